import { Router } from 'express'
import type { Knex } from 'knex'
import { z } from 'zod'
import { userWith } from '../http/session.js'
import { DivisionCode, parseInput } from '../http/validate.js'
import type { CoverageCache } from '../services/coverage.cache.js'
import { requireDivision } from '../services/divisions.service.js'

const CoverageQuery = z
  .object({
    within: DivisionCode,
    distanceKm: z.coerce.number().positive().max(200).optional(),
    overloadFactor: z.coerce.number().min(1).max(10).optional(),
    geometry: z.enum(['true', 'false']).optional(),
  })
  .strict()

/**
 * GET /api/coverage?within=<code>[&distanceKm=5][&overloadFactor=1.3][&geometry=false]
 *
 * Answered from the cache while the data version is unchanged. The ETag names the version
 * and the request, so a browser revalidates (`Cache-Control: no-cache`) and gets 304 when
 * nothing changed; `Server-Timing` says whether the report was computed or cached.
 */
export function coverageRoutes(knex: Knex, cache: CoverageCache): Router {
  // Part of every ETag: a new server process (perhaps a new version computing reports
  // differently) never confirms a browser's copy made by an earlier one.
  const instance = Date.now().toString(36)
  const router = Router()
  router.get('/api/coverage', async (req, res) => {
    const user = userWith(res, 'read')
    const q = parseInput(CoverageQuery, req.query, 'query')
    await requireDivision(knex, q.within, user.scope)
    const geometry = q.geometry !== 'false'
    const report = await cache.get(knex, q.within, { distanceKm: q.distanceKm, overloadFactor: q.overloadFactor, geometry })
    res.set({
      'Cache-Control': 'private, no-cache',
      ETag: `"coverage-${instance}-${report.version}-${q.within}-${q.distanceKm ?? ''}-${q.overloadFactor ?? ''}-${geometry ? 'g' : 'n'}"`,
      'Server-Timing': `coverage;desc="${report.cached ? 'cached' : 'computed'}";dur=${report.ms.toFixed(1)}`,
    })
    res.type('json').send(report.body)
  })
  return router
}
