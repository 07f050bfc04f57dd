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
import { ruleNeed, toCountyData, type CountyData, type CountyInput } from '../allocate/county.js'
import { staffingFrame, type StaffingFrame } from '../allocate/frame.js'
import { achievedLoad, minMaxLoad, pointMinimum } from '../allocate/minMaxLoad.js'
import { buildAllocationModel, valueOf, type MovePenalty } from '../allocate/model.js'
import type { DemandWeights } from '../demand.js'
import { resolveWeights } from '../demand.js'
import {
  DEFAULT_MAX_TRANSFER_KM,
  DEFAULT_MOVE_PENALTY,
  POINT_STAFFED,
  STAFF_BUDGET_MAX_FACTOR,
  STATION_ADMIN_POSTS_MIN,
  TOWN_SERVICE_POSTS_PER_VILLAGE,
} from '../policy.js'
import { haversineMetres } from '../geo.js'
import { solveModel } from '../solve.js'
import { rejectedBeforeSolving, SolverInputError, type Infeasibility, type RunOptions, type SolveMeta, type SolveStatus } from '../types.js'

export type { CountyInput, TownInput, VillageInput, ServicePointInput } from '../allocate/county.js'
export type { MovePenalty } from '../allocate/model.js'

/** Input of `allocateStaff`. */
export interface AllocateStaffInput {
  /** One county (county scope) or several (city scope). */
  counties: CountyInput[]
  /** Weights of weighted demand; defaults DEFAULT_DEMAND_WEIGHTS in solver/policy.ts. */
  weights?: Partial<DemandWeights>
  /** Prices in service posts of deviation; defaults DEFAULT_MOVE_PENALTY in solver/policy.ts. */
  movePenalty?: Partial<MovePenalty>
  /** Whether a worker may be transferred to another town of the same county (default false: Shaoguan plan §2(3)). */
  allowTransfers?: boolean
  /** Old name of `allowTransfers` (used when `allowTransfers` is absent). */
  allowCrossTownMoves?: boolean
  /** Longest transfer, km from the worker's post to the new one (default DEFAULT_MAX_TRANSFER_KM). */
  maxTransferKm?: number
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
  /** New posts of the town, filled at the province's recruitment (Shaoguan plan §2(2)). */
  recruits: number
  /** Workers of the town whose posts the budget no longer funds. */
  released: number
  /** Workers transferred from / to other towns (only with `allowTransfers`). */
  transfersIn: number
  transfersOut: number
  points: PointAllocation[]
}

/** The plan of one county and how it was proven. */
export interface CountyAllocation extends SolveMeta {
  code: string
  name: string
  budget: number
  today: number
  /** Every town keeps its workers and recruits what the rules need: the default budget. */
  keep: number
  /** Stage one: the least possible largest weighted demand per service worker. */
  maxDemandPerWorker: number | null
  /** Σ_p |s_p − share_p| of the plan. */
  deviation: number | null
  /** Workers leaving their post for another of the same town, and transfers between towns. */
  moves: { withinTown: number; transfers: number }
  recruits: number
  released: number
  /** Transfers by pair of towns. */
  transfers: Array<{ from: string; to: string; count: number }>
  towns: TownAllocation[]
}

/** Output of `allocateStaff`. */
export interface AllocateStaffResult extends SolveMeta {
  counties: CountyAllocation[]
  explanations?: Infeasibility[]
  parameters: {
    weights: DemandWeights
    movePenalty: MovePenalty
    allowTransfers: boolean
    maxTransferKm: number
    maxLoadTolerance: number
  }
}

/** The budgets a county's plan accepts: `minimum` the rules need, `current` headcount, `keep` (the default), a sane `maximum`. */
export interface BudgetBounds {
  minimum: number
  current: number
  keep: number
  maximum: number
}

/** Budget bounds of one county (solver/policy.ts STAFF_BUDGET_MAX_FACTOR). */
export function budgetBounds(county: CountyInput, weights?: Partial<DemandWeights>): BudgetBounds {
  const [c] = toCountyData([{ ...county, budget: undefined }], weights)
  const minimum = c.towns.reduce((s, t) => s + ruleNeed(t), 0)
  return { minimum, current: c.today, keep: c.keep, maximum: Math.max(c.keep, Math.ceil(c.today * STAFF_BUDGET_MAX_FACTOR)) }
}

export { DEFAULT_MOVE_PENALTY }

/** Staff allocation for a county or a city (DESIGN.md §5), verified against every rule. */
export async function allocateStaff(input: AllocateStaffInput, options: RunOptions = {}): Promise<AllocateStaffResult> {
  const started = Date.now()
  const parameters = resolveParameters(input)
  const counties = toCountyData(input?.counties, input?.weights)
  const frames = counties.map((c) => staffingFrame(c, parameters))
  const explanations = counties.flatMap((c) => explainCounty(c))
  if (explanations.length > 0) {
    return { ...rejectedBeforeSolving(started), counties: [], explanations, parameters }
  }
  const deadline = options.timeLimitSec !== undefined ? started + options.timeLimitSec * 1000 : Infinity
  const results: CountyAllocation[] = []
  for (let i = 0; i < counties.length; i++) {
    if (options.cancel?.cancelled) break
    const left = Number.isFinite(deadline) ? Math.max(0.05, (deadline - Date.now()) / 1000 / (counties.length - i)) : undefined
    results.push(await allocateCounty(counties[i], frames[i], parameters, { ...options, timeLimitSec: left }))
    options.onProgress?.({ stage: `county ${i + 1}/${counties.length}`, elapsedMs: Date.now() - started })
  }
  return { ...combineMeta(results, counties.length, started), counties: results, parameters }
}

async function allocateCounty(
  county: CountyData,
  frame: StaffingFrame,
  params: AllocateStaffResult['parameters'],
  options: RunOptions,
): Promise<CountyAllocation> {
  const started = Date.now()
  const lstar = minMaxLoad(county, frame)
  if (lstar === null) throw new Error(`county ${county.code}: feasibility check disagrees with the explanation`)
  const limit = lstar * (1 + params.maxLoadTolerance)
  const minima = county.towns.map((t) => t.points.map((p) => pointMinimum(p.demand, limit)))
  const am = buildAllocationModel(county, frame, minima, params.movePenalty)
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
    keep: county.keep,
    maxDemandPerWorker: lstar,
    deviation: null,
    moves: { withinTown: 0, transfers: 0 },
    recruits: 0,
    released: 0,
    transfers: [],
    towns: [],
  }
  const values = sol.values
  if (!sol.verified || !values) return base
  const transfers = am.transfers
    .map((x) => ({ from: county.towns[x.from].code, to: county.towns[x.to].code, count: Math.round(values[x.v]) }))
    .filter((x) => x.count > 0)
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
      recruits: Math.round(values[am.recruit[ti]]),
      released: Math.round(values[am.release[ti]]),
      transfersIn: transfers.filter((x) => x.to === t.code).reduce((s, x) => s + x.count, 0),
      transfersOut: transfers.filter((x) => x.from === t.code).reduce((s, x) => s + x.count, 0),
      points,
    }
  })
  const deviation = towns.reduce((a, t, ti) => a + t.points.reduce((b, p, k) => b + Math.abs(p.posts - am.shares[ti][k]), 0), 0)
  const allocation: CountyAllocation = {
    ...base,
    towns,
    transfers,
    moves: countMoves(towns),
    recruits: towns.reduce((s, t) => s + t.recruits, 0),
    released: towns.reduce((s, t) => s + t.released, 0),
    deviation,
  }
  const broken = checkCountyAllocation(county, params, allocation, limit)
  if (broken.length > 0) {
    return { ...base, status: 'error', verified: false, objective: null, backendStatus: `rule check failed: ${broken.slice(0, 3).join('; ')}` }
  }
  allocation.ms = Date.now() - started
  return allocation
}

/** Workers who leave their post for another of their town, and transfers, in a plan. */
function countMoves(towns: readonly TownAllocation[]): { withinTown: number; transfers: number } {
  let within = 0
  let transfers = 0
  for (const t of towns) {
    let leaving = Math.max(0, t.today.adminPosts - t.adminPosts)
    for (const p of t.points) leaving += Math.max(0, p.today - p.posts)
    within += Math.max(0, leaving - t.transfersOut - t.released)
    transfers += t.transfersOut
  }
  return { withinTown: within, transfers }
}

/**
 * Checks a county's plan against every programme rule and the town-employer rule, on its own
 * (without the model): posts per station and point, each town's headcount = today + recruits −
 * released + transfers in − out, recruits and releases as the budget allows, no transfer unless
 * allowed and none longer than `maxTransferKm`, and the counts the plan reports.
 */
export function checkCountyAllocation(
  county: CountyData,
  rule: { allowTransfers: boolean; maxTransferKm: number },
  plan: Pick<CountyAllocation, 'towns' | 'transfers' | 'recruits' | 'released'>,
  loadLimit?: number,
): string[] {
  const errors: string[] = []
  let total = 0
  if (plan.towns.length !== county.towns.length) return [`${plan.towns.length} towns in the plan, ${county.towns.length} in the county`]
  const shrinking = county.budget < county.keep
  const inflow = new Map<string, number>()
  const outflow = new Map<string, number>()
  const index = new Map(county.towns.map((t, i) => [t.code, i]))
  for (const x of plan.transfers) {
    const [a, b] = [index.get(x.from), index.get(x.to)]
    if (a === undefined || b === undefined || a === b || !(Number.isInteger(x.count) && x.count > 0)) {
      errors.push(`transfer ${x.from} → ${x.to} (${x.count}) is not between two towns of the county`)
      continue
    }
    if (!rule.allowTransfers) errors.push(`${x.count} transfers ${x.from} → ${x.to} although transfers are not allowed (Shaoguan plan §2(3))`)
    else {
      const span = spanKm(county.towns[a].locations, county.towns[b].locations)
      if (!(span <= rule.maxTransferKm)) errors.push(`transfers ${x.from} → ${x.to}: posts up to ${span.toFixed(1)} km apart, above maxTransferKm ${rule.maxTransferKm}`)
    }
    inflow.set(x.to, (inflow.get(x.to) ?? 0) + x.count)
    outflow.set(x.from, (outflow.get(x.from) ?? 0) + x.count)
  }
  let recruits = 0
  let released = 0
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
    if (!(Number.isInteger(pt.recruits) && pt.recruits >= 0 && Number.isInteger(pt.released) && pt.released >= 0)) {
      errors.push(`${t.name}: recruits ${pt.recruits} and released ${pt.released} must be integers ≥ 0`)
    }
    if (pt.transfersIn !== (inflow.get(t.code) ?? 0) || pt.transfersOut !== (outflow.get(t.code) ?? 0)) errors.push(`${t.name}: transfers in/out do not match the transfers`)
    const townTotal = pt.adminPosts + service
    const workers = t.today + pt.recruits - pt.released + (inflow.get(t.code) ?? 0) - (outflow.get(t.code) ?? 0)
    if (townTotal !== workers) errors.push(`${t.name}: ${townTotal} posts but ${t.today} workers + ${pt.recruits} recruits − ${pt.released} released ± transfers = ${workers}`)
    if (pt.released > 0 && !shrinking) errors.push(`${t.name}: ${pt.released} workers released although the budget ${county.budget} funds every worker and the rules (${county.keep})`)
    if (pt.released > t.today) errors.push(`${t.name}: ${pt.released} released of ${t.today} workers`)
    if (shrinking && pt.recruits > Math.max(0, ruleNeed(t) - t.today)) errors.push(`${t.name}: ${pt.recruits} recruits while the county shrinks; the rules need ${Math.max(0, ruleNeed(t) - t.today)}`)
    recruits += pt.recruits
    released += pt.released
    total += townTotal
  })
  if (total !== county.budget) errors.push(`${county.name}: ${total} posts for a budget of ${county.budget}`)
  if (recruits !== plan.recruits || released !== plan.released) errors.push(`${county.name}: reports ${plan.recruits} recruits and ${plan.released} released, its towns ${recruits} and ${released}`)
  if (recruits - released !== county.budget - county.today) errors.push(`${county.name}: ${recruits} recruits − ${released} released ≠ budget ${county.budget} − ${county.today} workers`)
  if (loadLimit !== undefined) {
    const load = achievedLoad(county, plan.towns.map((t) => t.points.map((p) => p.posts)))
    if (load > loadLimit * (1 + 1e-9)) errors.push(`${county.name}: largest demand per worker ${load} above ${loadLimit}`)
  }
  return errors
}

/** Largest distance (km) between the locations of two towns, computed here on purpose (not frame.ts). */
function spanKm(a: CountyData['towns'][number]['locations'], b: CountyData['towns'][number]['locations']): number {
  if (!a || !b) return Infinity
  let most = 0
  for (const p of a) for (const q of b) most = Math.max(most, haversineMetres(p, q) / 1000)
  return most
}

/** Re-checks a whole `allocateStaff` result against its input; returns broken rules in words. */
export function verifyAllocation(input: AllocateStaffInput, result: AllocateStaffResult): string[] {
  const counties = toCountyData(input.counties, input.weights)
  const params = resolveParameters(input)
  const errors: string[] = []
  for (const c of counties) {
    const plan = result.counties.find((x) => x.code === c.code)
    if (!plan) errors.push(`county ${c.code} missing from the result`)
    else if (plan.verified) {
      const lstar = minMaxLoad(c, staffingFrame(c, params))
      const limit = lstar === null ? undefined : lstar * (1 + params.maxLoadTolerance)
      errors.push(...checkCountyAllocation(c, params, plan, limit))
    }
  }
  return errors
}

function resolveParameters(input: AllocateStaffInput): AllocateStaffResult['parameters'] {
  if (!input || typeof input !== 'object') throw new SolverInputError('input must be an object')
  const movePenalty = { ...DEFAULT_MOVE_PENALTY, ...(input.movePenalty ?? {}) }
  if (!(movePenalty.withinTown >= 0 && movePenalty.acrossTowns >= movePenalty.withinTown && movePenalty.release >= 0 && movePenalty.recruit >= 0)) {
    throw new SolverInputError('movePenalty needs 0 ≤ withinTown ≤ acrossTowns, release ≥ 0 and recruit ≥ 0', 'movePenalty')
  }
  const maxTransferKm = input.maxTransferKm ?? DEFAULT_MAX_TRANSFER_KM
  if (!(maxTransferKm >= 0)) throw new SolverInputError('maxTransferKm must be ≥ 0', 'maxTransferKm')
  const maxLoadTolerance = input.maxLoadTolerance ?? 0
  if (!(maxLoadTolerance >= 0)) throw new SolverInputError('maxLoadTolerance must be ≥ 0', 'maxLoadTolerance')
  return {
    weights: resolveWeights(input.weights),
    movePenalty,
    allowTransfers: input.allowTransfers ?? input.allowCrossTownMoves ?? false,
    maxTransferKm,
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
    return { ...rejectedBeforeSolving(started), counties: [], explanations, parameters }
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
