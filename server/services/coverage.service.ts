/** Use case: the coverage of a division (villages as GeoJSON, summaries, rule violations). */
import type { Knex } from 'knex'
import type { FeatureCollection, MultiPolygon } from 'geojson'
import { DEFAULT_DEMAND_WEIGHTS } from '../../solver/policy.js'
import { countyNames, townPosts, villageCoverageFacts } from '../repositories/coverage.repository.js'
import { ruleFacts } from '../repositories/rules.repository.js'
import { computeCoverage, COVERAGE_DEFAULTS, type AreaCoverage, type CoverageParams, type CoverageResult, type VillageCoverage } from './coverage.js'
import { requireDivision } from './divisions.service.js'
import { evaluateRules, type RuleViolation } from './rules.js'
import { inParallel } from '../repositories/parallel.js'
import { CODE_LENGTH, countyOf } from '../../geodata/codes.js'
import type { CachedJson, VersionedCache } from './versioned.cache.js'

export interface CoverageOptions {
  distanceKm?: number
  overloadFactor?: number
  weights?: Partial<typeof DEFAULT_DEMAND_WEIGHTS>
  /** Include village polygons (default true). */
  geometry?: boolean
}

export interface CoverageReport {
  within: string
  name: string
  params: CoverageParams
  medianDemandPerWorker: number | null
  overload: CoverageResult['overload']
  total: AreaCoverage
  counties: AreaCoverage[]
  towns: AreaCoverage[]
  villages: FeatureCollection<MultiPolygon | null, VillageCoverage>
  violations: RuleViolation[]
}

/** Computes the coverage of a division within the caller's scope. */
export async function coverageOf(knex: Knex, within: string, scope: string, opts: CoverageOptions = {}): Promise<CoverageReport> {
  const division = await requireDivision(knex, within, scope)
  const params: CoverageParams = {
    distanceKm: opts.distanceKm ?? COVERAGE_DEFAULTS.distanceKm,
    overloadFactor: opts.overloadFactor ?? COVERAGE_DEFAULTS.overloadFactor,
    weights: { ...DEFAULT_DEMAND_WEIGHTS, ...opts.weights },
  }
  const withGeometry = opts.geometry ?? true
  // A town's villages are judged against its county's grid units (server/services/coverage.ts).
  const reference = within.length > CODE_LENGTH.county ? countyOf(within)! : within
  const [rows, towns, counties, facts] = await inParallel(knex, [
    () => villageCoverageFacts(knex, reference, withGeometry ? within : null),
    () => townPosts(knex, within),
    () => countyNames(knex, within),
    () => ruleFacts(knex, within),
  ])
  const result: CoverageResult = computeCoverage(rows, towns, counties, division, params)
  const geometryOf = new Map(rows.flatMap((r) => (r.geometry ? [[r.code, r.geometry] as const] : [])))
  return {
    within,
    name: division.name,
    params,
    medianDemandPerWorker: result.medianDemandPerWorker,
    overload: result.overload,
    total: result.total,
    counties: result.counties,
    towns: result.towns,
    villages: {
      type: 'FeatureCollection',
      features: result.villages.map((v) => ({ type: 'Feature', id: v.code, geometry: geometryOf.get(v.code) ?? null, properties: v })),
    },
    violations: evaluateRules(facts),
  }
}

/** The summary part of a coverage report (no villages), as stored in a plan's before/after. */
export async function coverageSummary(knex: Knex, within: string, opts: CoverageOptions = {}) {
  const report = await coverageOf(knex, within, '', { ...opts, geometry: false })
  const { villages, ...summary } = report
  const statusOf = Object.fromEntries(villages.features.map((f) => [f.properties.code, f.properties.status]))
  return { ...summary, villageStatus: statusOf }
}

/** The coverage of `within` (already checked to be in the caller's scope) as JSON text, from the cache. */
export function cachedCoverage(cache: VersionedCache, knex: Knex, within: string, opts: CoverageOptions): Promise<CachedJson> {
  const key = JSON.stringify(['coverage', within, opts.distanceKm ?? null, opts.overloadFactor ?? null, opts.weights ?? null, opts.geometry ?? true])
  // The scope was checked by the caller; the report itself does not depend on it.
  return cache.get(knex, within, key, () => coverageOf(knex, within, '', opts))
}
