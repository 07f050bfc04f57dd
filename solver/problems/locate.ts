/**
 * `locate`: the capacitated p-median problem, with exactly the JSON contract of DESIGN.md §5.
 *
 * Method (each step keeps the answer exact):
 *  1. a greedy + local-search solution gives an upper bound UB;
 *  2. a Lagrangian relaxation gives a lower bound LB and, per pair (i, j) and per candidate,
 *     a bound on every solution using it; pairs and candidates whose bound reaches UB cannot
 *     be part of a solution better than the incumbent and are left out;
 *  3. HiGHS solves the reduced strong MILP from the incumbent (MIP start).
 * The result is 'optimal' only when proven: LB reaches UB, or HiGHS proves the reduced
 * model optimal (every solution outside it costs at least UB).
 */
import { assignmentCost, checkPMedianSolution, type PMedianInstance, type PMedianSolution } from '../locate/instance.js'
import { constructSolution, improveMedians, iteratedSearch } from '../locate/heuristic.js'
import { lagrangianBound } from '../locate/lagrangian.js'
import { buildLocateModel, readSolution, startValues } from '../locate/milp.js'
import { raceModels } from '../portfolio.js'
import { solveModel } from '../solve.js'
import { SolverInputError, type Infeasibility, type RunOptions, type SolveMeta } from '../types.js'

/** Input of `locate` (DESIGN.md §5). `cost[i][j]`: serving demand i from candidate j; null = not allowed. */
export interface LocateInput {
  p: number
  demands: Array<{ id: string; demand: number }>
  /** `capacity` absent or null: uncapacitated. */
  candidates: Array<{ id: string; capacity?: number | null }>
  cost: Array<Array<number | null>>
  timeLimitSec?: number
}

/** Options of `locate`. */
export interface LocateOptions extends RunOptions {
  /** Use the Lagrangian reduction (default true); false sends the full strong model to the backend. */
  reduce?: boolean
  /**
   * Add the Lagrangian knapsack cuts to the reduced MILP (default false). They lift its LP
   * bound to the Lagrangian bound, but the dense rows slow HiGHS's search: measured on
   * pmedcap1-19 about even (226 s vs 233 s in total), on pmedcap20 > 900 s with them and
   * 328 s without.
   */
  lagrangianCuts?: boolean
  /** Raw HiGHS options for the MILP (experiments). */
  highsOptions?: Record<string, number | string | boolean>
  /**
   * Race the reduced MILP with and without the Lagrangian cuts in two worker threads when it
   * is large (default false: measured slower than one thread on a busy 2-core machine).
   */
  parallel?: boolean
}

/** Output of `locate` (DESIGN.md §5) plus how the answer was proven. */
export interface LocateResult extends SolveMeta {
  open: string[]
  assign: Record<string, string>
  explanations?: Infeasibility[]
  stats: {
    heuristicCost: number | null
    lagrangianBound: number | null
    lagrangianIterations: number
    pairsKept: number
    pairsTotal: number
    provenBy: 'lagrangian' | 'milp' | 'none'
  }
}

const DEFAULT_TIME_LIMIT_SEC = 600
/** Reduced models at least this large are raced on two threads (smaller ones solve in seconds). */
const RACE_MIN_PAIRS = 800

/** Capacitated p-median: open exactly p candidates, serve each demand wholly, minimise total cost. */
export async function locate(input: LocateInput, options: LocateOptions = {}): Promise<LocateResult> {
  const started = Date.now()
  const inst = toInstance(input)
  const limitSec = input.timeLimitSec ?? options.timeLimitSec ?? DEFAULT_TIME_LIMIT_SEC
  const deadline = started + limitSec * 1000
  const progress = (stage: string, incumbent?: number, bound?: number) =>
    options.onProgress?.({ stage, incumbent, bound, elapsedMs: Date.now() - started })
  const stats: LocateResult['stats'] = {
    heuristicCost: null,
    lagrangianBound: null,
    lagrangianIterations: 0,
    pairsKept: 0,
    pairsTotal: inst.n * inst.m,
    provenBy: 'none',
  }
  const explanations = explainLocate(input, inst)
  if (explanations.length > 0) {
    return { ...emptyMeta('infeasible', 'rejected before solving', started), open: [], assign: {}, explanations, stats }
  }
  const reduce = options.reduce ?? true
  const solveOptions = {
    backend: options.backend ?? 'highs',
    integralObjective: inst.integral,
    ...(inst.integral ? { mipAbsGap: 1 - 1e-6 } : {}),
    cancel: options.cancel,
    onProgress: options.onProgress,
  }
  const remaining = () => Math.max(0.05, (deadline - Date.now()) / 1000)
  if (!reduce) {
    const lm = buildLocateModel(inst)
    stats.pairsKept = inst.n * inst.m
    const sol = await solveModel(lm.model, { ...solveOptions, timeLimitSec: remaining(), raw: options.highsOptions })
    const found = sol.verified && sol.values ? readSolution(lm, inst, sol.values) : null
    if (!found) return { ...emptyMeta(sol.status, sol.backendStatus, started), backend: sol.backend, open: [], assign: {}, stats }
    const proven = sol.status === 'optimal'
    if (proven) stats.provenBy = 'milp'
    return finish(input, inst, found, started, proven ? 'optimal' : 'feasible', sol.backendStatus, sol.backend, sol.bound ?? -Infinity, stats)
  }
  const first = constructSolution(inst)
  let incumbent = first ? improveMedians(inst, first, started + limitSec * 100, options.cancel) : null
  stats.heuristicCost = incumbent?.cost ?? null
  progress('heuristic', incumbent?.cost)
  const lag = lagrangianBound(inst, { incumbent, deadline: started + limitSec * 400, cancel: options.cancel })
  incumbent = lag.incumbent
  const lb = lag.lowerBound
  stats.lagrangianBound = lb
  stats.lagrangianIterations = lag.iterations
  progress('lagrangian', incumbent?.cost, lb)
  // Every solution costs at most Σ_i max_j c_ij; a bound above that proves there is none.
  let costCeiling = 0
  for (let i = 0; i < inst.n; i++) {
    let worst = -Infinity
    for (let j = 0; j < inst.m; j++) if (Number.isFinite(inst.cost[i * inst.m + j])) worst = Math.max(worst, inst.cost[i * inst.m + j])
    costCeiling += worst
  }
  if (!incumbent && lb > costCeiling + 1e-6 * Math.max(1, Math.abs(costCeiling))) {
    return {
      ...emptyMeta('infeasible', 'Lagrangian bound exceeds the cost of any assignment', started),
      open: [],
      assign: {},
      explanations: [
        {
          rule: 'DEMAND_SERVED',
          source: 'locate contract, DESIGN.md §5',
          code: 'assignment',
          numbers: { p: inst.p, demands: inst.n },
          message: {
            zh: `无法在容量和可选范围内把所有需求点分配给${inst.p}个开设的候选点`,
            en: `no choice of ${inst.p} candidates can serve every demand within the allowed pairs and capacities`,
          },
        },
      ],
      stats,
    }
  }
  // Anything whose Lagrangian bound reaches `limit` cannot be part of a solution cheaper than `limit`.
  const below = (limit: number) => (inst.integral ? limit - 1 + 1e-6 : limit - 1e-9 * Math.max(1, Math.abs(limit)))
  const cuts =
    lag.exactKnapsacks && incumbent ? [{ lambda: lag.bestLambda, v: lag.bestV }] : undefined
  const useCuts = options.lagrangianCuts ?? false
  /** The MILP restricted to what could still be part of a solution cheaper than `limit`. */
  const restricted = (limit: number, keep: PMedianSolution | null, withCuts = true) => {
    const thr = below(limit)
    const used = new Uint8Array(inst.n * inst.m)
    const isOpen = new Uint8Array(inst.m)
    if (keep) {
      for (let i = 0; i < inst.n; i++) used[i * inst.m + keep.assign[i]] = 1
      for (const j of keep.open) isOpen[j] = 1
    }
    return buildLocateModel(inst, {
      keepCandidate: (j) => isOpen[j] === 1 || !(lag.openBound[j] > thr),
      mustOpen: (j) => lag.closedBound[j] > thr && (!keep || isOpen[j] === 1),
      keepPair: (i, j) => used[i * inst.m + j] === 1 || !(lag.pairBound[i * inst.m + j] > thr),
      cuts: withCuts ? cuts : undefined,
    })
  }
  if (incumbent && !(lb > below(incumbent.cost))) {
    // The bound does not close the gap yet: spend a little time on a better incumbent, which
    // both may close it and makes the reduced model smaller.
    const budgetMs = Math.min(limitSec * 50, Math.max(50, (inst.n * inst.m) / 3))
    const target = inst.integral ? Math.ceil(lb - 1e-6) : lb
    incumbent = iteratedSearch(inst, incumbent, Math.min(deadline, Date.now() + budgetMs), options.cancel, target)
    progress('local search', incumbent.cost, lb)
  }
  if (incumbent && lb > below(incumbent.cost)) {
    stats.provenBy = 'lagrangian'
    return finish(input, inst, incumbent, started, 'optimal', 'Lagrangian bound reaches the heuristic solution', 'none', lb, stats)
  }
  const ub = incumbent?.cost ?? Infinity
  const lm = incumbent ? restricted(ub, incumbent, useCuts) : buildLocateModel(inst, { cuts: useCuts ? cuts : undefined })
  stats.pairsKept = Array.from(lm.xIndex).filter((x) => x >= 0).length
  const start = incumbent ? startValues(lm, inst, incumbent) : null
  const race = (options.parallel ?? false) && incumbent && cuts && stats.pairsKept >= RACE_MIN_PAIRS && (options.backend ?? 'highs') === 'highs'
  const sol = race
    ? (
        await raceModels([lm.model, restricted(ub, incumbent, !useCuts).model], {
          ...solveOptions,
          timeLimitSec: remaining(),
          initialSolutions: [start ?? undefined, start ?? undefined],
          raw: options.highsOptions,
        })
      ).solution
    : await solveModel(lm.model, { ...solveOptions, timeLimitSec: remaining(), initialSolution: start ?? undefined, raw: options.highsOptions })
  let best = incumbent
  if (sol.verified && sol.values) {
    const found = readSolution(lm, inst, sol.values)
    if (!best || found.cost < best.cost - 1e-9) best = found
  }
  if (!best) {
    const status = sol.status === 'infeasible' ? 'infeasible' : sol.status === 'feasible' || sol.status === 'optimal' ? 'error' : sol.status
    return { ...emptyMeta(status, sol.backendStatus, started), backend: sol.backend, open: [], assign: {}, stats }
  }
  // A bound for the whole problem: solutions outside the reduced model cost at least UB.
  let bound = lb
  if (sol.status === 'optimal' && sol.verified) bound = Math.max(bound, Math.min(sol.objective ?? -Infinity, ub))
  else if (sol.bound !== undefined) bound = Math.max(bound, Math.min(sol.bound, ub))
  const proven = sol.status === 'optimal' && sol.verified
  if (proven) stats.provenBy = 'milp'
  return finish(input, inst, best, started, proven ? 'optimal' : 'feasible', sol.backendStatus, sol.backend, bound, stats)
}

function finish(
  input: LocateInput,
  inst: PMedianInstance,
  sol: PMedianSolution,
  started: number,
  status: 'optimal' | 'feasible',
  backendStatus: string,
  backend: SolveMeta['backend'],
  bound: number,
  stats: LocateResult['stats'],
): LocateResult {
  const cost = assignmentCost(inst, sol.assign)
  const errors = checkPMedianSolution(inst, { ...sol, cost })
  if (errors.length > 0) {
    return { ...emptyMeta('error', `verifier rejected the solution: ${errors.slice(0, 3).join('; ')}`, started), backend, open: [], assign: {}, stats }
  }
  const b = Number.isFinite(bound) ? (inst.integral ? Math.ceil(bound - 1e-6) : bound) : undefined
  const gap = b !== undefined ? Math.max(0, cost - b) / Math.max(1, Math.abs(cost)) : undefined
  const assign: Record<string, string> = {}
  input.demands.forEach((d, i) => {
    assign[d.id] = input.candidates[sol.assign[i]].id
  })
  return {
    status: status === 'feasible' && gap === 0 ? 'optimal' : status,
    objective: cost,
    ...(b !== undefined ? { bound: b, gap } : {}),
    backend,
    backendStatus,
    ms: Date.now() - started,
    verified: true,
    open: sol.open.map((j) => input.candidates[j].id),
    assign,
    stats,
  }
}

function emptyMeta(status: SolveMeta['status'], backendStatus: string, started: number): SolveMeta {
  return { status, objective: null, backend: 'none', backendStatus, ms: Date.now() - started, verified: false }
}

/** Validates the JSON contract and converts it to the numeric instance. */
export function toInstance(input: LocateInput): PMedianInstance {
  if (!input || typeof input !== 'object') throw new SolverInputError('input must be an object')
  const { p, demands, candidates, cost } = input
  if (!Array.isArray(demands) || demands.length === 0) throw new SolverInputError('demands must be a non-empty array', 'demands')
  if (!Array.isArray(candidates) || candidates.length === 0) throw new SolverInputError('candidates must be a non-empty array', 'candidates')
  if (!Number.isInteger(p) || p < 1) throw new SolverInputError('p must be a positive integer', 'p')
  const n = demands.length
  const m = candidates.length
  if (!Array.isArray(cost) || cost.length !== n) throw new SolverInputError(`cost must have ${n} rows (one per demand)`, 'cost')
  const demand = new Float64Array(n)
  demands.forEach((d, i) => {
    if (typeof d?.id !== 'string') throw new SolverInputError(`demands[${i}].id must be a string`, `demands[${i}].id`)
    if (!(Number.isFinite(d.demand) && d.demand >= 0)) throw new SolverInputError(`demands[${i}].demand must be a number ≥ 0`, `demands[${i}].demand`)
    demand[i] = d.demand
  })
  const capacity = new Float64Array(m)
  candidates.forEach((c, j) => {
    if (typeof c?.id !== 'string') throw new SolverInputError(`candidates[${j}].id must be a string`, `candidates[${j}].id`)
    const q = c.capacity
    if (q !== undefined && q !== null && !(Number.isFinite(q) && q >= 0)) {
      throw new SolverInputError(`candidates[${j}].capacity must be a number ≥ 0 or absent`, `candidates[${j}].capacity`)
    }
    capacity[j] = q === undefined || q === null ? Infinity : q
  })
  if (new Set(demands.map((d) => d.id)).size !== n) throw new SolverInputError('demand ids must be unique', 'demands')
  if (new Set(candidates.map((c) => c.id)).size !== m) throw new SolverInputError('candidate ids must be unique', 'candidates')
  const c = new Float64Array(n * m)
  let integral = true
  for (let i = 0; i < n; i++) {
    const row = cost[i]
    if (!Array.isArray(row) || row.length !== m) throw new SolverInputError(`cost[${i}] must have ${m} entries (one per candidate)`, `cost[${i}]`)
    for (let j = 0; j < m; j++) {
      const v = row[j]
      if (v === null) c[i * m + j] = Infinity
      else if (typeof v === 'number' && Number.isFinite(v)) {
        c[i * m + j] = v
        if (!Number.isInteger(v)) integral = false
      } else throw new SolverInputError(`cost[${i}][${j}] must be a finite number or null`, `cost[${i}][${j}]`)
    }
  }
  return { n, m, p, demand, capacity, cost: c, integral }
}

/** Reasons the instance cannot have a solution, found without a solver. */
function explainLocate(input: LocateInput, inst: PMedianInstance): Infeasibility[] {
  const out: Infeasibility[] = []
  const source = 'locate contract, DESIGN.md §5'
  if (inst.p > inst.m) {
    out.push({
      rule: 'OPEN_EXACTLY_P',
      source,
      code: 'p',
      numbers: { p: inst.p, candidates: inst.m },
      message: { zh: `需开设${inst.p}个点，但只有${inst.m}个候选点`, en: `${inst.p} candidates must open but only ${inst.m} exist` },
    })
  }
  for (let i = 0; i < inst.n; i++) {
    let ok = false
    for (let j = 0; j < inst.m && !ok; j++) ok = Number.isFinite(inst.cost[i * inst.m + j]) && inst.demand[i] <= inst.capacity[j]
    if (!ok) {
      const id = input.demands[i].id
      out.push({
        rule: 'DEMAND_SERVED',
        source,
        code: id,
        numbers: { demand: inst.demand[i] },
        message: { zh: `需求点${id}（需求${inst.demand[i]}）没有容量足够的可选候选点`, en: `demand ${id} (${inst.demand[i]}) has no allowed candidate with enough capacity` },
      })
    }
  }
  const total = inst.demand.reduce((a, b) => a + b, 0)
  const caps = Array.from(inst.capacity).sort((a, b) => b - a)
  const best = caps.slice(0, inst.p).reduce((a, b) => a + b, 0)
  if (inst.p <= inst.m && best < total) {
    out.push({
      rule: 'CAPACITY',
      source,
      code: 'capacity',
      numbers: { totalDemand: total, largestCapacityOfP: best, p: inst.p },
      message: {
        zh: `总需求${total}超过${inst.p}个最大候选点的容量之和${best}`,
        en: `total demand ${total} exceeds the ${best} that the ${inst.p} largest candidates can serve`,
      },
    })
  }
  return out
}
