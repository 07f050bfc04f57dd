/**
 * `allocateStaff`: integer service posts per town and per service point and admin posts per
 * station, for one county or a whole city (each county solved on its own: no worker moves
 * across counties).
 *
 * Measure optimised, lexicographically:
 *  1. minimise the largest weighted demand per service worker over all service points
 *     (computed exactly, allocate/minMaxLoad.ts);
 *  2. keeping that optimum (or within `maxLoadTolerance` of it), minimise
 *     Σ_p |s_p − share_p| + penalties for moved workers, where share_p = C · D_p / D is the
 *     point's demand share of the county's service capacity C = budget − 2 × stations
 *     (allocate/model.ts; a min-cost flow whose LP relaxation is integral).
 * Every rule of DESIGN.md §3 is a constraint, read from solver/policy.ts.
 */
import { explainCounty } from '../allocate/explain.js'
import { toCountyData, type CountyData, type CountyInput } from '../allocate/county.js'
import { achievedLoad, minMaxLoad, pointMinimum, townLimits, type TownLimit } from '../allocate/minMaxLoad.js'
import { buildAllocationModel, valueOf, type MovePenalty } from '../allocate/model.js'
import type { DemandWeights } from '../demand.js'
import { resolveWeights } from '../demand.js'
import { DEFAULT_MOVE_PENALTY, POINT_STAFFED, STATION_ADMIN_POSTS_MIN, TOWN_SERVICE_POSTS_PER_VILLAGE } from '../policy.js'
import { solveModel } from '../solve.js'
import { SolverInputError, type Infeasibility, type RunOptions, type SolveMeta, type SolveStatus } from '../types.js'

export type { CountyInput, TownInput, VillageInput, ServicePointInput } from '../allocate/county.js'
export type { MovePenalty } from '../allocate/model.js'

/** Input of `allocateStaff`. */
export interface AllocateStaffInput {
  /** One county (county scope) or several (city scope). */
  counties: CountyInput[]
  /** Weights of weighted demand; defaults DEFAULT_DEMAND_WEIGHTS in solver/policy.ts. */
  weights?: Partial<DemandWeights>
  /** Price of a move in service posts of deviation; default { withinTown: 0.5, acrossTowns: 1.5 }. */
  movePenalty?: Partial<MovePenalty>
  /** Whether a worker may move to another town of the same county (default true). */
  allowCrossTownMoves?: boolean
  /** Relative slack on the least largest demand per worker in stage two (default 0). */
  maxLoadTolerance?: number
}

/** Posts of one service point. */
export interface PointAllocation {
  id: string
  name: string
  demand: number
  today: number
  posts: number
  /** Weighted demand per service worker (null when the point has no demand). */
  demandPerWorker: number | null
}

/** Posts of one town. */
export interface TownAllocation {
  code: string
  name: string
  stationId: string
  villages: number
  demand: number
  today: { adminPosts: number; servicePosts: number }
  adminPosts: number
  servicePosts: number
  points: PointAllocation[]
}

/** The plan of one county and how it was proven. */
export interface CountyAllocation extends SolveMeta {
  code: string
  name: string
  budget: number
  today: number
  /** Stage one: the least possible largest weighted demand per service worker. */
  maxDemandPerWorker: number | null
  /** Σ_p |s_p − share_p| of the plan. */
  deviation: number | null
  moves: { withinTown: number; acrossTowns: number }
  towns: TownAllocation[]
}

/** Output of `allocateStaff`. */
export interface AllocateStaffResult extends SolveMeta {
  counties: CountyAllocation[]
  explanations?: Infeasibility[]
  parameters: {
    weights: DemandWeights
    movePenalty: MovePenalty
    allowCrossTownMoves: boolean
    maxLoadTolerance: number
  }
}

export { DEFAULT_MOVE_PENALTY }

/** Staff allocation for a county or a city (DESIGN.md §5), verified against every rule. */
export async function allocateStaff(input: AllocateStaffInput, options: RunOptions = {}): Promise<AllocateStaffResult> {
  const started = Date.now()
  const parameters = resolveParameters(input)
  const counties = toCountyData(input?.counties, input?.weights)
  const limits = counties.map((c) => townLimits(c, parameters.allowCrossTownMoves))
  const explanations = counties.flatMap((c, i) => explainCounty(c, limits[i]))
  if (explanations.length > 0) {
    return {
      status: 'infeasible',
      objective: null,
      backend: 'none',
      backendStatus: 'rejected before solving',
      ms: Date.now() - started,
      verified: false,
      counties: [],
      explanations,
      parameters,
    }
  }
  const deadline = options.timeLimitSec !== undefined ? started + options.timeLimitSec * 1000 : Infinity
  const results: CountyAllocation[] = []
  for (let i = 0; i < counties.length; i++) {
    if (options.cancel?.cancelled) break
    const left = Number.isFinite(deadline) ? Math.max(0.05, (deadline - Date.now()) / 1000 / (counties.length - i)) : undefined
    results.push(await allocateCounty(counties[i], limits[i], parameters, { ...options, timeLimitSec: left }))
    options.onProgress?.({ stage: `county ${i + 1}/${counties.length}`, elapsedMs: Date.now() - started })
  }
  return { ...combineMeta(results, counties.length, started), counties: results, parameters }
}

async function allocateCounty(
  county: CountyData,
  limits: readonly TownLimit[],
  params: AllocateStaffResult['parameters'],
  options: RunOptions,
): Promise<CountyAllocation> {
  const started = Date.now()
  const lstar = minMaxLoad(county, limits)
  if (lstar === null) throw new Error(`county ${county.code}: feasibility check disagrees with the explanation`)
  const limit = lstar * (1 + params.maxLoadTolerance)
  const minima = county.towns.map((t) => t.points.map((p) => pointMinimum(p.demand, limit)))
  const am = buildAllocationModel(county, limits, minima, params.movePenalty)
  const sol = await solveModel(am.model, {
    backend: options.backend,
    lpRelaxation: true,
    timeLimitSec: options.timeLimitSec,
    cancel: options.cancel,
    onProgress: options.onProgress,
  })
  const { values: _values, violations: _violations, message: _message, ...meta } = sol
  const base: CountyAllocation = {
    ...meta,
    code: county.code,
    name: county.name,
    budget: county.budget,
    today: county.today,
    maxDemandPerWorker: lstar,
    deviation: null,
    moves: { withinTown: 0, acrossTowns: 0 },
    towns: [],
  }
  const values = sol.values
  if (!sol.verified || !values) return base
  const towns: TownAllocation[] = county.towns.map((t, ti) => {
    const points = t.points.map((p, k) => {
      const posts = valueOf(am.service[ti][k], values)
      return { id: p.id, name: p.name, demand: p.demand, today: p.workers0, posts, demandPerWorker: p.demand > 0 ? p.demand / posts : null }
    })
    return {
      code: t.code,
      name: t.name,
      stationId: t.stationId,
      villages: t.villageCount,
      demand: t.demand,
      today: { adminPosts: t.admin0, servicePosts: t.points.reduce((s, p) => s + p.workers0, 0) },
      adminPosts: valueOf(am.admin[ti], values),
      servicePosts: points.reduce((s, p) => s + p.posts, 0),
      points,
    }
  })
  const deviation = towns.reduce((a, t, ti) => a + t.points.reduce((b, p, k) => b + Math.abs(p.posts - am.shares[ti][k]), 0), 0)
  const allocation = { ...base, towns, moves: countMoves(towns), deviation }
  const broken = checkCountyAllocation(county, limits, allocation, limit)
  if (broken.length > 0) {
    return { ...base, status: 'error', verified: false, objective: null, backendStatus: `rule check failed: ${broken.slice(0, 3).join('; ')}` }
  }
  allocation.ms = Date.now() - started
  return allocation
}

/** Workers who leave their post, and those who leave their town, in a plan. */
function countMoves(towns: readonly TownAllocation[]): { withinTown: number; acrossTowns: number } {
  let leaving = 0
  let across = 0
  for (const t of towns) {
    leaving += Math.max(0, t.today.adminPosts - t.adminPosts)
    for (const p of t.points) leaving += Math.max(0, p.today - p.posts)
    across += Math.max(0, t.today.adminPosts + t.today.servicePosts - t.adminPosts - t.servicePosts)
  }
  return { withinTown: leaving - across, acrossTowns: across }
}

/** Checks a county's plan against every programme rule and the plan's own limits. */
export function checkCountyAllocation(
  county: CountyData,
  limits: readonly TownLimit[],
  plan: Pick<CountyAllocation, 'towns'>,
  loadLimit?: number,
): string[] {
  const errors: string[] = []
  let total = 0
  if (plan.towns.length !== county.towns.length) return [`${plan.towns.length} towns in the plan, ${county.towns.length} in the county`]
  county.towns.forEach((t, ti) => {
    const pt = plan.towns[ti]
    if (pt.code !== t.code || pt.points.length !== t.points.length) {
      errors.push(`town ${t.code}: plan does not match the input`)
      return
    }
    if (!Number.isInteger(pt.adminPosts) || pt.adminPosts < STATION_ADMIN_POSTS_MIN.value) {
      errors.push(`${t.name}: ${pt.adminPosts} admin posts (${STATION_ADMIN_POSTS_MIN.text.en})`)
    }
    let service = 0
    pt.points.forEach((p) => {
      if (!Number.isInteger(p.posts) || p.posts < POINT_STAFFED.value) errors.push(`${t.name}/${p.id}: ${p.posts} posts (${POINT_STAFFED.text.en})`)
      service += p.posts
    })
    if (service !== pt.servicePosts) errors.push(`${t.name}: service posts do not add up`)
    if (service < TOWN_SERVICE_POSTS_PER_VILLAGE.value * t.villageCount) {
      errors.push(`${t.name}: ${service} service posts for ${t.villageCount} villages (${TOWN_SERVICE_POSTS_PER_VILLAGE.text.en})`)
    }
    if (t.uncovered.length > 0) errors.push(`${t.name}: villages not covered`)
    const townTotal = pt.adminPosts + service
    if (townTotal < limits[ti].lower || townTotal > limits[ti].upper) errors.push(`${t.name}: ${townTotal} workers outside [${limits[ti].lower}, ${limits[ti].upper}]`)
    total += townTotal
  })
  if (total !== county.budget) errors.push(`${county.name}: ${total} posts for a budget of ${county.budget}`)
  if (loadLimit !== undefined) {
    const load = achievedLoad(county, plan.towns.map((t) => t.points.map((p) => p.posts)))
    if (load > loadLimit * (1 + 1e-9)) errors.push(`${county.name}: largest demand per worker ${load} above ${loadLimit}`)
  }
  return errors
}

/** Re-checks a whole `allocateStaff` result against its input; returns broken rules in words. */
export function verifyAllocation(input: AllocateStaffInput, result: AllocateStaffResult): string[] {
  const counties = toCountyData(input.counties, input.weights)
  const allow = input.allowCrossTownMoves ?? true
  const errors: string[] = []
  for (const c of counties) {
    const plan = result.counties.find((x) => x.code === c.code)
    if (!plan) errors.push(`county ${c.code} missing from the result`)
    else if (plan.verified) {
      const limits = townLimits(c, allow)
      const lstar = minMaxLoad(c, limits)
      const limit = lstar === null ? undefined : lstar * (1 + (input.maxLoadTolerance ?? 0))
      errors.push(...checkCountyAllocation(c, limits, plan, limit))
    }
  }
  return errors
}

function resolveParameters(input: AllocateStaffInput): AllocateStaffResult['parameters'] {
  if (!input || typeof input !== 'object') throw new SolverInputError('input must be an object')
  const movePenalty = { ...DEFAULT_MOVE_PENALTY, ...(input.movePenalty ?? {}) }
  if (!(movePenalty.withinTown >= 0 && movePenalty.acrossTowns >= movePenalty.withinTown)) {
    throw new SolverInputError('movePenalty needs 0 ≤ withinTown ≤ acrossTowns', 'movePenalty')
  }
  const maxLoadTolerance = input.maxLoadTolerance ?? 0
  if (!(maxLoadTolerance >= 0)) throw new SolverInputError('maxLoadTolerance must be ≥ 0', 'maxLoadTolerance')
  return {
    weights: resolveWeights(input.weights),
    movePenalty,
    allowCrossTownMoves: input.allowCrossTownMoves ?? true,
    maxLoadTolerance,
  }
}

/**
 * The result of a city's counties allocated by separate calls (one county each, e.g. in
 * parallel on the solver pool), combined as one call over all of them would report it.
 */
export function combineCountyAllocations(parts: AllocateStaffResult[], started: number): AllocateStaffResult {
  const explanations = parts.flatMap((p) => p.explanations ?? [])
  const parameters = parts[0].parameters
  if (explanations.length) {
    return { status: 'infeasible', objective: null, backend: 'none', backendStatus: 'rejected before solving', ms: Date.now() - started, verified: false, counties: [], explanations, parameters }
  }
  const counties = parts.flatMap((p) => p.counties)
  return { ...combineMeta(counties, parts.length, started), counties, parameters }
}

const STATUS_RANK: Record<SolveStatus, number> = { optimal: 0, feasible: 1, timeout: 2, infeasible: 3, unbounded: 4, error: 5 }

function combineMeta(results: CountyAllocation[], expected: number, started: number): SolveMeta {
  let status: SolveStatus = results.length < expected ? 'timeout' : 'optimal'
  for (const r of results) if (STATUS_RANK[r.status] > STATUS_RANK[status]) status = r.status
  const verified = results.length === expected && results.every((r) => r.verified)
  const objective = verified ? results.reduce((s, r) => s + (r.objective ?? 0), 0) : null
  const bounds = results.map((r) => r.bound)
  const bound = verified && bounds.every((b) => b !== undefined) ? bounds.reduce((s, b) => s + (b ?? 0), 0) : undefined
  return {
    status,
    objective,
    ...(bound !== undefined && objective !== null ? { bound, gap: Math.abs(objective - bound) / Math.max(1, Math.abs(objective)) } : {}),
    backend: results.find((r) => r.backend !== 'none')?.backend ?? 'none',
    backendStatus: results.length === 1 ? results[0].backendStatus : `${results.filter((r) => r.status === 'optimal').length}/${expected} counties optimal`,
    ms: Date.now() - started,
    verified,
  }
}
