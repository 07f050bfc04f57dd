import { Router } from 'express'
import type { Knex } from 'knex'
import { CoverageQuery } from '../contract/requests.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import { cachedCoverage } from '../services/coverage.service.js'
import { requireDivision } from '../services/divisions.service.js'
import type { VersionedCache } from '../services/versioned.cache.js'
import { sendCached } from '../http/cached.js'

/**
 * GET /api/coverage?within=<code>[&distanceKm=5][&overloadFactor=1.3][&geometry=false]
 *
 * Answered from the cache while the data version is unchanged. The ETag names the version
 * and the request, so a browser revalidates (`Cache-Control: no-cache`) and gets 304 when
 * nothing changed; `Server-Timing` says whether the report was computed or cached.
 */
export function coverageRoutes(knex: Knex, cache: VersionedCache): Router {
  const router = Router()
  router.get('/api/coverage', async (req, res) => {
    const user = userWith(res, 'read')
    const q = parseInput(CoverageQuery, req.query, 'query')
    await requireDivision(knex, q.within, user.scope)
    const geometry = q.geometry !== 'false'
    const report = await cachedCoverage(cache, knex, q.within, { distanceKm: q.distanceKm, overloadFactor: q.overloadFactor, geometry })
    sendCached(req, res, 'coverage', `${q.within}-${q.distanceKm ?? ''}-${q.overloadFactor ?? ''}-${geometry ? 'g' : 'n'}`, report, 'json')
  })
  return router
}
