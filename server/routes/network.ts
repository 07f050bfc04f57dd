import { Router } from 'express'
import type { Knex } from 'knex'
import { userWith } from '../http/session.js'
import { WithinQuery } from '../contract/requests.js'
import { parseInput } from '../http/validate.js'
import { listWithin, NETWORK_LISTS, type NetworkList } from '../services/network.service.js'

/** GET /api/{villages,stations,grid-units,service-points,workers,supervisors}?within=<code> */
export function networkRoutes(knex: Knex): Router {
  const router = Router()
  for (const kind of Object.keys(NETWORK_LISTS) as NetworkList[]) {
    router.get(`/api/${kind}`, async (req, res) => {
      const user = userWith(res, 'read')
      const { within } = parseInput(WithinQuery, req.query, 'query')
      res.type('application/geo+json').send(JSON.stringify(await listWithin(knex, kind, within, user.scope)))
    })
  }
  return router
}
