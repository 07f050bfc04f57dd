/**
 * Coverage analysis (pure): the gap status of every village and the summaries of towns,
 * counties and the whole scope. Numbers come from coverage.repository.ts.
 *
 * A village's status is the first that applies:
 *  - `uncovered`: in no grid unit, its unit has no service point, or no worker at its points
 *    ("不漏一户一人", Shaoguan plan §2(1));
 *  - `far`: the straight-line distance to its service point exceeds `distanceKm`;
 *  - `overloaded`: its grid unit's weighted demand per service worker exceeds
 *    `overloadFactor` × the median over the grid units of its county. The reference is the
 *    county whatever the view (a town, a county, a city, the province), so a village's status
 *    never depends on the zoom: the county is the bureau that staffs the towns, and its
 *    towns are compared with each other;
 *  - `ok`.
 * A village may be both far and overloaded: `flags` lists every condition.
 */
import { DEFAULT_DEMAND_WEIGHTS, SPECIAL_GROUPS, STATION_ADMIN_POSTS_MIN, TOWN_SERVICE_POSTS_PER_VILLAGE, weightedDemand } from '../../solver/policy.js'
import type { TownPostsRow, VillageCoverageRow } from '../repositories/coverage.repository.js'
import { countyOf, isWithin } from '../../geodata/codes.js'

export const COVERAGE_DEFAULTS = {
  /** A village farther than this from its service point is `far` (straight line, km). */
  distanceKm: 5,
  /** A grid unit above this multiple of its county's median demand per worker is `overloaded`. */
  overloadFactor: 1.3,
} as const

export type CoverageStatus = 'uncovered' | 'far' | 'overloaded' | 'ok'
export const COVERAGE_STATUSES: readonly CoverageStatus[] = ['uncovered', 'far', 'overloaded', 'ok']

export interface CoverageParams {
  distanceKm: number
  overloadFactor: number
  weights: typeof DEFAULT_DEMAND_WEIGHTS
}

export interface VillageCoverage {
  code: string
  name: string
  townCode: string
  population: number
  specialGroupMembers: number
  demand: number
  gridUnitId: string | null
  servicePointId: string | null
  servicePointName: string | null
  distanceKm: number | null
  unitWorkers: number
  /** Weighted demand of the village's grid unit per worker at its points; null without workers. */
  demandPerWorker: number | null
  status: CoverageStatus
  flags: CoverageStatus[]
}

export interface Spread {
  units: number
  median: number | null
  max: number | null
  /** max / median; 1 is perfectly even. */
  maxOverMedian: number | null
  /** Gini coefficient of demand per worker over the grid units (0 = even). */
  gini: number | null
}

export interface AreaCoverage {
  code: string
  name: string
  villages: number
  population: number
  coveredVillages: number
  coveredPct: number
  specialGroupMembers: number
  /** Special-group members in covered villages within the distance threshold. */
  specialGroupMembersReached: number
  specialGroupReachedPct: number
  stations: number
  adminPosts: number
  adminPostsRequired: number
  servicePosts: number
  servicePostsRequired: number
  statusCounts: Record<CoverageStatus, number>
  demandPerWorker: Spread
}

export interface CoverageResult {
  params: CoverageParams
  /**
   * The median demand per worker that `overloaded` is judged against when the scope lies in
   * one county (that county's, over all its grid units); null above a county (see `overload`).
   */
  medianDemandPerWorker: number | null
  /** Per county of the scope: the median over its grid units and the `overloaded` threshold. */
  overload: Array<{ county: string; median: number | null; threshold: number | null }>
  villages: VillageCoverage[]
  towns: AreaCoverage[]
  counties: AreaCoverage[]
  total: AreaCoverage
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits
const pct = (part: number, whole: number) => (whole === 0 ? 100 : round((100 * part) / whole, 1))

/** Median of a list (null when empty). */
export function median(values: number[]): number | null {
  if (!values.length) return null
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Gini coefficient of non-negative values (null when empty or all zero). */
export function gini(values: number[]): number | null {
  const n = values.length
  const sum = values.reduce((a, b) => a + b, 0)
  if (!n || sum === 0) return null
  const s = [...values].sort((a, b) => a - b)
  let weighted = 0
  s.forEach((x, i) => (weighted += (i + 1) * x))
  return (2 * weighted) / (n * sum) - (n + 1) / n
}

function spread(values: number[]): Spread {
  const med = median(values)
  const max = values.length ? Math.max(...values) : null
  const g = gini(values)
  return {
    units: values.length,
    median: med === null ? null : round(med),
    max: max === null ? null : round(max),
    maxOverMedian: med && max !== null ? round(max / med, 3) : null,
    gini: g === null ? null : round(g, 4),
  }
}

/**
 * Computes the coverage of every village of `scope` and the summaries. `rows` hold every
 * village of the counties the scope lies in (a town's coverage needs its county's units for
 * the median); only the villages within the scope are reported.
 */
export function computeCoverage(
  rows: VillageCoverageRow[],
  towns: TownPostsRow[],
  countyNames: Map<string, string>,
  scope: { code: string; name: string },
  params: CoverageParams,
): CoverageResult {
  // Weighted demand per village, then per grid unit.
  const demandOf = new Map(rows.map((r) => [r.code, weightedDemand(r.population, r, params.weights)]))
  const unitDemand = new Map<string, number>()
  const unitWorkers = new Map<string, number>()
  const unitCounty = new Map<string, string>()
  for (const r of rows) {
    if (!r.gridUnitId) continue
    unitDemand.set(r.gridUnitId, (unitDemand.get(r.gridUnitId) ?? 0) + demandOf.get(r.code)!)
    unitWorkers.set(r.gridUnitId, r.unitWorkers)
    unitCounty.set(r.gridUnitId, countyOf(r.code)!)
  }
  const unitLoad = new Map<string, number>()
  const countyLoads = new Map<string, number[]>()
  for (const [unit, demand] of unitDemand) {
    const workers = unitWorkers.get(unit) ?? 0
    if (workers === 0) continue
    unitLoad.set(unit, demand / workers)
    const county = unitCounty.get(unit)!
    if (!countyLoads.has(county)) countyLoads.set(county, [])
    countyLoads.get(county)!.push(demand / workers)
  }
  const countyMedian = new Map([...countyLoads].map(([county, loads]) => [county, median(loads)]))
  const overloadAbove = (county: string) => {
    const m = countyMedian.get(county)
    return m === undefined || m === null ? Infinity : params.overloadFactor * m
  }
  const inScope = scope.code.length ? rows.filter((r) => isWithin(r.code, scope.code)) : rows

  const villages: VillageCoverage[] = inScope.map((r) => {
    const load = r.gridUnitId ? (unitLoad.get(r.gridUnitId) ?? null) : null
    const distanceKm = r.distanceM === null ? null : r.distanceM / 1000
    const flags: CoverageStatus[] = []
    if (!r.gridUnitId || !r.servicePointId || r.unitWorkers === 0) flags.push('uncovered')
    if (distanceKm !== null && distanceKm > params.distanceKm) flags.push('far')
    if (load !== null && load > overloadAbove(countyOf(r.code)!)) flags.push('overloaded')
    return {
      code: r.code,
      name: r.name,
      townCode: r.townCode,
      population: r.population,
      specialGroupMembers: SPECIAL_GROUPS.reduce((a, g) => a + r[g], 0),
      demand: round(demandOf.get(r.code)!),
      gridUnitId: r.gridUnitId,
      servicePointId: r.servicePointId,
      servicePointName: r.servicePointName,
      distanceKm: distanceKm === null ? null : round(distanceKm, 3),
      unitWorkers: r.unitWorkers,
      demandPerWorker: load === null ? null : round(load),
      status: flags[0] ?? 'ok',
      flags: flags.length ? flags : ['ok'],
    }
  })

  // The units of an area are the units of its villages (a unit lies within one town).
  const summarise = (code: string, name: string, vs: VillageCoverage[], ts: TownPostsRow[]): AreaCoverage => {
    const covered = vs.filter((v) => v.status !== 'uncovered')
    const reached = covered.filter((v) => v.distanceKm !== null && v.distanceKm <= params.distanceKm)
    const members = vs.reduce((a, v) => a + v.specialGroupMembers, 0)
    const membersReached = reached.reduce((a, v) => a + v.specialGroupMembers, 0)
    const statusCounts = { uncovered: 0, far: 0, overloaded: 0, ok: 0 }
    for (const v of vs) statusCounts[v.status]++
    const units = [...new Set(vs.map((v) => v.gridUnitId))].flatMap((u) => (u && unitLoad.has(u) ? [unitLoad.get(u)!] : []))
    const stations = ts.filter((t) => t.stationId).length
    return {
      code,
      name,
      villages: vs.length,
      population: vs.reduce((a, v) => a + v.population, 0),
      coveredVillages: covered.length,
      coveredPct: pct(covered.length, vs.length),
      specialGroupMembers: members,
      specialGroupMembersReached: membersReached,
      specialGroupReachedPct: pct(membersReached, members),
      stations,
      adminPosts: ts.reduce((a, t) => a + t.adminPosts, 0),
      adminPostsRequired: stations * STATION_ADMIN_POSTS_MIN.value,
      servicePosts: ts.reduce((a, t) => a + t.servicePosts, 0),
      servicePostsRequired: vs.length * TOWN_SERVICE_POSTS_PER_VILLAGE.value,
      statusCounts,
      demandPerWorker: spread(units),
    }
  }

  const villagesOfTown = new Map(towns.map((t) => [t.code, [] as VillageCoverage[]]))
  const villagesOfCounty = new Map(towns.map((t) => [t.countyCode, [] as VillageCoverage[]]))
  for (const v of villages) {
    villagesOfTown.get(v.townCode)?.push(v)
    villagesOfCounty.get(countyOf(v.code)!)?.push(v)
  }
  const townSummaries = towns.map((t) => summarise(t.code, t.name, villagesOfTown.get(t.code) ?? [], [t]))
  const countyCodes = [...new Set(towns.map((t) => t.countyCode))].sort()
  const oneCounty = countyOf(scope.code)
  const referenceMedian = oneCounty ? (countyMedian.get(oneCounty) ?? null) : null
  const countySummaries = countyCodes.map((c) =>
    summarise(c, countyNames.get(c) ?? c, villagesOfCounty.get(c) ?? [], towns.filter((t) => t.countyCode === c)),
  )
  return {
    params,
    medianDemandPerWorker: referenceMedian === null ? null : round(referenceMedian),
    overload: countyCodes.map((county) => {
      const m = countyMedian.get(county) ?? null
      return { county, median: m === null ? null : round(m), threshold: m === null ? null : round(params.overloadFactor * m) }
    }),
    villages,
    towns: townSummaries,
    counties: countySummaries,
    total: summarise(scope.code, scope.name, villages, towns),
  }
}
