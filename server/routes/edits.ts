import { Router } from 'express'
import type { Knex } from 'knex'
import { z } from 'zod'
import { userWith } from '../http/session.js'
import { parseInput, VillageCode } from '../http/validate.js'
import { moveWorker, setServicePointHost, setVillageGridUnit } from '../services/edits.service.js'

const Id = z.string().regex(/^[a-z0-9-]{1,40}$/, 'an id like sp-440203100-1')
const MoveBody = z.object({ to: Id }).strict()
const GridUnitBody = z.object({ gridUnitId: Id.nullable() }).strict()
const HostBody = z.object({ villageCode: VillageCode }).strict()

/** Planner edits: move a worker, set a village's grid unit, set a service point's host village. */
export function editRoutes(knex: Knex): Router {
  const router = Router()
  router.post('/api/workers/:id/move', async (req, res) => {
    const user = userWith(res, 'network:edit')
    const { id } = parseInput(z.object({ id: Id }), req.params, 'path')
    const { to } = parseInput(MoveBody, req.body ?? {}, 'body')
    res.json(await moveWorker(knex, user, id, to))
  })
  router.put('/api/villages/:code/grid-unit', async (req, res) => {
    const user = userWith(res, 'network:edit')
    const { code } = parseInput(z.object({ code: VillageCode }), req.params, 'path')
    const { gridUnitId } = parseInput(GridUnitBody, req.body ?? {}, 'body')
    res.json(await setVillageGridUnit(knex, user, code, gridUnitId))
  })
  router.put('/api/service-points/:id/host', async (req, res) => {
    const user = userWith(res, 'network:edit')
    const { id } = parseInput(z.object({ id: Id }), req.params, 'path')
    const { villageCode } = parseInput(HostBody, req.body ?? {}, 'body')
    res.json(await setServicePointHost(knex, user, id, villageCode))
  })
  return router
}
