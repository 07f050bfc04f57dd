import { Router } from 'express'
import type { Knex } from 'knex'
import { userWith } from '../http/session.js'
import { CodeParams, parseInput } from '../http/validate.js'
import { getChildren, getDivision, getRoots } from '../services/divisions.service.js'

/** Divisions: the roots, one division with its summary, its children as GeoJSON. */
export function divisionRoutes(knex: Knex): Router {
  const router = Router()
  router.get('/api/divisions', async (_req, res) => {
    const user = userWith(res, 'read')
    res.json({ divisions: await getRoots(knex, user.scope) })
  })
  router.get('/api/divisions/:code', async (req, res) => {
    const user = userWith(res, 'read')
    const { code } = parseInput(CodeParams, req.params, 'path')
    res.json(await getDivision(knex, code, user.scope))
  })
  router.get('/api/divisions/:code/children', async (req, res) => {
    const user = userWith(res, 'read')
    const { code } = parseInput(CodeParams, req.params, 'path')
    res.type('application/geo+json').send(JSON.stringify(await getChildren(knex, code, user.scope)))
  })
  return router
}
