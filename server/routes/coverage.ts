import { Router } from 'express'
import type { Knex } from 'knex'
import { z } from 'zod'
import { userWith } from '../http/session.js'
import { DivisionCode, parseInput } from '../http/validate.js'
import { coverageOf } from '../services/coverage.service.js'

const CoverageQuery = z
  .object({
    within: DivisionCode,
    distanceKm: z.coerce.number().positive().max(200).optional(),
    overloadFactor: z.coerce.number().min(1).max(10).optional(),
    geometry: z.enum(['true', 'false']).optional(),
  })
  .strict()

/** GET /api/coverage?within=<code>[&distanceKm=5][&overloadFactor=1.3][&geometry=false] */
export function coverageRoutes(knex: Knex): Router {
  const router = Router()
  router.get('/api/coverage', async (req, res) => {
    const user = userWith(res, 'read')
    const q = parseInput(CoverageQuery, req.query, 'query')
    const report = await coverageOf(knex, q.within, user.scope, {
      distanceKm: q.distanceKm,
      overloadFactor: q.overloadFactor,
      geometry: q.geometry !== 'false',
    })
    res.json(report)
  })
  return router
}
