/**
 * HiGHS backend (npm `highs`, HiGHS compiled to WebAssembly).
 *
 * The model goes in as sparse arrays through the persistent API, so no LP text and no
 * variable names are involved. Each solve gets a fresh native HiGHS instance that is
 * disposed afterwards; the WebAssembly runtime is shared, but it is dropped and reloaded
 * after any thrown error, because an Emscripten runtime that aborted once is not to be trusted.
 */
import highsLoader, { type Highs, type HighsCallbackMap } from 'highs'
import type { LinearModel } from '../model.js'
import type { SolveStatus } from '../types.js'
import type { BackendOptions, BackendResult } from './types.js'

let runtime: Promise<Highs> | null = null

/** The shared HiGHS runtime of this thread (loaded on first use). */
export function loadHighs(): Promise<Highs> {
  runtime ??= highsLoader()
  return runtime
}

/** Forgets the shared runtime so the next solve loads a fresh one. */
export function resetHighs(): void {
  runtime = null
}

const STATUS_TEXT: Record<number, string> = {
  0: 'Not set',
  1: 'Load error',
  2: 'Model error',
  3: 'Presolve error',
  4: 'Solve error',
  5: 'Postsolve error',
  6: 'Empty',
  7: 'Optimal',
  8: 'Infeasible',
  9: 'Primal infeasible or unbounded',
  10: 'Unbounded',
  11: 'Bound on objective reached',
  12: 'Target for objective reached',
  13: 'Time limit reached',
  14: 'Iteration limit reached',
  15: 'Unknown',
  16: 'Solution limit reached',
  17: 'Interrupted by user',
}

/** Solves `model` with HiGHS. */
export async function solveWithHighs(model: LinearModel, opts: BackendOptions = {}): Promise<BackendResult> {
  const highs = await loadHighs()
  try {
    return runOnce(highs, model, opts)
  } catch (err) {
    resetHighs()
    throw err
  }
}

function runOnce(highs: Highs, model: LinearModel, opts: BackendOptions): BackendResult {
  const n = model.variables.length
  const m = model.constraints.length
  if (n === 0) {
    return { status: 'optimal', backendStatus: 'Empty', values: [], objective: model.offset, bound: model.offset, claimsOptimal: true }
  }
  const inf = highs.infinity
  const clip = (x: number) => (x === Infinity ? inf : x === -Infinity ? -inf : x)
  const starts = new Int32Array(m + 1)
  let nnz = 0
  for (let i = 0; i < m; i++) {
    nnz += model.constraints[i].vars.length
    starts[i + 1] = nnz
  }
  const indices = new Int32Array(nnz)
  const values = new Float64Array(nnz)
  let k = 0
  for (const row of model.constraints) {
    for (let t = 0; t < row.vars.length; t++, k++) {
      indices[k] = row.vars[t]
      values[k] = row.coefs[t]
    }
  }
  const mip = model.variables.some((v) => v.integer)
  const hm = highs.createModel({
    numCols: n,
    numRows: m,
    sense: model.sense === 'max' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    offset: model.offset,
    colCost: Float64Array.from(model.variables, (v) => v.cost),
    colLower: Float64Array.from(model.variables, (v) => clip(v.lb)),
    colUpper: Float64Array.from(model.variables, (v) => clip(v.ub)),
    rowLower: Float64Array.from(model.constraints, (r) => clip(r.lb)),
    rowUpper: Float64Array.from(model.constraints, (r) => clip(r.ub)),
    matrix: { format: 'csr', numRows: m, numCols: n, starts, indices, values },
    integrality: mip ? Int32Array.from(model.variables, (v) => (v.integer ? 1 : 0)) : undefined,
  })
  try {
    hm.options.set({
      output_flag: false,
      mip_rel_gap: opts.mipRelGap ?? 1e-6,
      ...(opts.mipAbsGap !== undefined ? { mip_abs_gap: opts.mipAbsGap } : {}),
      ...(opts.timeLimitSec !== undefined ? { time_limit: Math.max(0.01, opts.timeLimitSec) } : {}),
      ...(opts.raw ?? {}),
    })
    if (opts.initialSolution && mip) hm.setSolution({ colValue: Float64Array.from(opts.initialSolution) })
    const started = Date.now()
    const cb = highs.constants.callbackType
    const callbacks: HighsCallbackMap = {
      [cb.mipInterrupt]: (e) => {
        if (opts.cancel?.cancelled) e.interrupt()
        return undefined
      },
      [cb.simplexInterrupt]: (e) => {
        if (opts.cancel?.cancelled) e.interrupt()
        return undefined
      },
      ...(opts.onProgress
        ? {
            [cb.mipImprovingSolution]: (e) => {
              const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) && Math.abs(x) < inf ? x : undefined)
              opts.onProgress?.({
                stage: 'highs',
                incumbent: finite(e.data.objective_function_value),
                bound: finite(e.data.mip_dual_bound),
                gap: finite(e.data.mip_gap),
                elapsedMs: Date.now() - started,
              })
              return undefined
            },
          }
        : {}),
    }
    const run = hm.run(callbacks)
    const code = run.modelStatus
    const backendStatus = STATUS_TEXT[code] ?? `HiGHS model status ${code}`
    const hasPrimal = Number(hm.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible
    const sol = hasPrimal ? Array.from(hm.getSolution().colValue) : undefined
    const objective = hasPrimal ? hm.getObjectiveValue() : undefined
    let bound: number | undefined
    if (mip) {
      const b = Number(hm.info.get('mip_dual_bound'))
      if (Number.isFinite(b) && Math.abs(b) < inf) bound = b
    } else if (code === 7) {
      bound = objective
    }
    return { status: mapStatus(code, hasPrimal), backendStatus, values: sol, objective, bound, claimsOptimal: code === 7 }
  } finally {
    hm.dispose()
  }
}

function mapStatus(code: number, hasPrimal: boolean): SolveStatus {
  switch (code) {
    case 6:
    case 7:
      return 'optimal'
    case 8:
      return 'infeasible'
    case 9:
    case 10:
      return 'unbounded'
    case 11:
    case 12:
    case 13:
    case 14:
    case 16:
    case 17:
      return hasPrimal ? 'feasible' : 'timeout'
    default:
      return 'error'
  }
}
