/**
 * The engine: choose a backend, solve, verify. No solution leaves this function unverified.
 */
import { solveWithHighs } from './backends/highs.js'
import { solveWithJsLpSolver } from './backends/jsLpSolver.js'
import type { Backend, BackendOptions, BackendResult } from './backends/types.js'
import { isMip, type LinearModel } from './model.js'
import type { BackendChoice, BackendName, SolveMeta } from './types.js'
import { describeViolations, verifySolution, type ConstraintViolation } from './verify.js'

/** Options of `solveModel`. */
export interface SolveModelOptions extends BackendOptions {
  /** `auto` (default): HiGHS for MILPs and large LPs, javascript-lp-solver for small LPs. */
  backend?: BackendChoice
  /**
   * The objective takes only integer values on feasible points (integer costs on integer
   * variables only), so an absolute gap below 1 proves optimality.
   */
  integralObjective?: boolean
  /**
   * The LP relaxation has integral vertices (transportation/assignment structure): solve it
   * as an LP with either backend and verify integrality against the original model; if a
   * fractional answer comes back anyway, solve the MILP with HiGHS.
   */
  lpRelaxation?: boolean
  /**
   * Stand-ins for the backends, e.g. a fake that answers wrongly in a test of the verifier.
   * Whatever they return is verified like any backend's answer.
   */
  backends?: Partial<Record<BackendName, Backend>>
}

/** A verified solution of a `LinearModel` (or the reason there is none). */
export interface ModelSolution extends SolveMeta {
  /** Variable values, integers exact; null unless `verified`. */
  values: number[] | null
  /** What the verifier rejected, when it rejected a backend's answer. */
  violations?: ConstraintViolation[]
  message?: string
}

const BACKENDS: Record<BackendName, Backend> = { highs: solveWithHighs, jsLpSolver: solveWithJsLpSolver }

/** Largest LP that `auto` sends to javascript-lp-solver. */
const SMALL_LP = 1500
/** Relative gap at or below which a MIP result counts as proven optimal. */
export const PROVEN_GAP = 1e-6

/** The backend `auto` picks for `model`. */
export function chooseBackend(model: LinearModel, choice: BackendChoice = 'auto'): BackendName {
  if (choice !== 'auto') return choice
  if (isMip(model)) return 'highs'
  return model.variables.length <= SMALL_LP && model.constraints.length <= SMALL_LP ? 'jsLpSolver' : 'highs'
}

/** Solves `model` with the chosen backend and returns only a verified solution. */
export async function solveModel(model: LinearModel, opts: SolveModelOptions = {}): Promise<ModelSolution> {
  const started = Date.now()
  if (opts.lpRelaxation && isMip(model)) {
    const relaxed: LinearModel = { ...model, variables: model.variables.map((v) => (v.integer ? { ...v, integer: false } : v)) }
    const lp = await runAndVerify(chooseBackend(relaxed, opts.backend), relaxed, opts, started, model)
    if (lp.status !== 'error' || (opts.backend ?? 'auto') !== 'auto') return lp
    const mip = await runAndVerify('highs', model, opts, started)
    mip.message = `LP relaxation not integral (${lp.message ?? lp.backendStatus}); solved as a MILP`
    return mip
  }
  const backend = chooseBackend(model, opts.backend)
  const first = await runAndVerify(backend, model, opts, started)
  // An automatic choice of javascript-lp-solver that failed gets a second chance with HiGHS.
  if ((opts.backend ?? 'auto') === 'auto' && backend === 'jsLpSolver' && (first.status === 'error' || first.status === 'timeout')) {
    const second = await runAndVerify('highs', model, opts, started)
    second.message = `javascript-lp-solver: ${first.backendStatus}${first.message ? ` (${first.message})` : ''}; solved again with HiGHS`
    return second
  }
  return first
}

async function runAndVerify(
  backend: BackendName,
  model: LinearModel,
  opts: SolveModelOptions,
  started: number,
  /** The model to verify against when `model` is a relaxation of it. */
  original: LinearModel = model,
): Promise<ModelSolution> {
  let raw: BackendResult
  try {
    raw = await (opts.backends?.[backend] ?? BACKENDS[backend])(model, opts)
  } catch (err) {
    return {
      status: 'error',
      objective: null,
      backend,
      backendStatus: 'threw',
      ms: Date.now() - started,
      verified: false,
      values: null,
      message: (err as Error).message,
    }
  }
  const base = { backend, backendStatus: raw.backendStatus }
  if (!raw.values || (raw.status !== 'optimal' && raw.status !== 'feasible')) {
    return { ...base, status: raw.status, objective: null, bound: raw.bound, ms: Date.now() - started, verified: false, values: null }
  }
  const check = verifySolution(original, raw.values, raw.objective)
  if (!check.ok) {
    return {
      ...base,
      status: 'error',
      objective: null,
      ms: Date.now() - started,
      verified: false,
      values: null,
      violations: check.violations,
      message: `verifier rejected the ${backend} solution: ${describeViolations(check.violations)}`,
    }
  }
  const objective = check.objective
  // An LP solved to optimality is its own bound (for an integral relaxation, of the integer model too).
  let bound = raw.bound ?? (raw.status === 'optimal' && !isMip(model) ? objective : undefined)
  if (bound !== undefined && opts.integralObjective) {
    bound = model.sense === 'min' ? Math.ceil(bound - 1e-6) : Math.floor(bound + 1e-6)
  }
  const gap = bound !== undefined ? Math.abs(objective - bound) / Math.max(1, Math.abs(objective)) : undefined
  let status = raw.status
  if (status === 'optimal' && isMip(model) && gap !== undefined && gap > PROVEN_GAP) status = 'feasible'
  if (status === 'feasible' && gap !== undefined && gap <= PROVEN_GAP) status = 'optimal'
  return {
    ...base,
    status,
    objective,
    ...(bound !== undefined ? { bound, gap } : {}),
    ms: Date.now() - started,
    verified: true,
    values: check.values,
  }
}
