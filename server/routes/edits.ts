import { Router } from 'express'
import type { Knex } from 'knex'
import { EntityParams, MoveWorkerBody, ServicePointHostBody, VillageGridUnitBody, VillageParams } from '../contract/requests.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import { moveWorker, setServicePointHost, setVillageGridUnit } from '../services/edits.service.js'

/** Planner edits: move a worker, set a village's grid unit, set a service point's host village. */
export function editRoutes(knex: Knex): Router {
  const router = Router()
  router.post('/api/workers/:id/move', async (req, res) => {
    const user = userWith(res, 'network:edit')
    const { id } = parseInput(EntityParams, req.params, 'path')
    const { to } = parseInput(MoveWorkerBody, req.body ?? {}, 'body')
    res.json(await moveWorker(knex, user, id, to))
  })
  router.put('/api/villages/:code/grid-unit', async (req, res) => {
    const user = userWith(res, 'network:edit')
    const { code } = parseInput(VillageParams, req.params, 'path')
    const { gridUnitId } = parseInput(VillageGridUnitBody, req.body ?? {}, 'body')
    res.json(await setVillageGridUnit(knex, user, code, gridUnitId))
  })
  router.put('/api/service-points/:id/host', async (req, res) => {
    const user = userWith(res, 'network:edit')
    const { id } = parseInput(EntityParams, req.params, 'path')
    const { villageCode } = parseInput(ServicePointHostBody, req.body ?? {}, 'body')
    res.json(await setServicePointHost(knex, user, id, villageCode))
  })
  return router
}
