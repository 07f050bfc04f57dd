/**
 * javascript-lp-solver backend.
 *
 * Good for small LPs. It is known to return fractional values for integer variables while
 * reporting `feasible: true` on larger MILPs (DESIGN.md §5), which is why nothing it returns
 * reaches a caller without `verify.ts`. Names are generated (`x0`, `r0`, ...), never taken
 * from the model, so no user text can clash with the JSON format's keys.
 */
import jsLpSolver from 'javascript-lp-solver'
import type { LinearModel } from '../model.js'
import type { BackendOptions, BackendResult } from './types.js'

type Bound = { min?: number; max?: number; equal?: number }

/** Solves `model` with javascript-lp-solver. */
export async function solveWithJsLpSolver(model: LinearModel, opts: BackendOptions = {}): Promise<BackendResult> {
  const OBJ = 'objective'
  const constraints: Record<string, Bound> = {}
  const variables: Record<string, Record<string, number>> = {}
  const ints: Record<string, 1> = {}
  const unrestricted: Record<string, 1> = {}
  model.variables.forEach((v, j) => {
    const name = `x${j}`
    variables[name] = v.cost !== 0 ? { [OBJ]: v.cost } : {}
    if (v.integer) ints[name] = 1
    // The library's variables are non-negative unless declared unrestricted.
    if (v.lb < 0) unrestricted[name] = 1
    const bound: Bound = {}
    if (v.lb !== 0 && Number.isFinite(v.lb)) bound.min = v.lb
    if (Number.isFinite(v.ub)) bound.max = v.ub
    if (bound.min !== undefined || bound.max !== undefined) {
      constraints[`b${j}`] = bound
      variables[name][`b${j}`] = 1
    }
  })
  model.constraints.forEach((row, i) => {
    const name = `r${i}`
    const bound: Bound = {}
    if (row.lb === row.ub) bound.equal = row.lb
    else {
      if (Number.isFinite(row.lb)) bound.min = row.lb
      if (Number.isFinite(row.ub)) bound.max = row.ub
    }
    if (bound.min === undefined && bound.max === undefined && bound.equal === undefined) return
    constraints[name] = bound
    row.vars.forEach((j, k) => {
      variables[`x${j}`][name] = (variables[`x${j}`][name] ?? 0) + row.coefs[k]
    })
  })
  const timeoutMs = opts.timeLimitSec !== undefined ? Math.max(10, Math.round(opts.timeLimitSec * 1000)) : undefined
  const started = Date.now()
  const raw = jsLpSolver.Solve({
    optimize: OBJ,
    opType: model.sense,
    constraints,
    variables,
    ints,
    unrestricted,
    options: {
      ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
      ...(opts.mipRelGap !== undefined ? { tolerance: opts.mipRelGap } : {}),
    },
  }) as { feasible: boolean; result: number; bounded?: boolean; [k: string]: unknown }
  const elapsed = Date.now() - started
  const backendStatus = `feasible: ${raw.feasible}, bounded: ${raw.bounded ?? 'n/a'}${raw.isIntegral !== undefined ? `, isIntegral: ${raw.isIntegral}` : ''}`
  if (!raw.feasible) {
    const timedOut = timeoutMs !== undefined && elapsed >= timeoutMs
    return { status: timedOut ? 'timeout' : 'infeasible', backendStatus, claimsOptimal: false }
  }
  if (raw.bounded === false) return { status: 'unbounded', backendStatus, claimsOptimal: false }
  // Absent variables are zero in the library's simplified result.
  const values = model.variables.map((_, j) => {
    const x = raw[`x${j}`]
    return typeof x === 'number' ? x : 0
  })
  const timedOut = timeoutMs !== undefined && elapsed >= timeoutMs * 0.95
  return {
    status: timedOut ? 'feasible' : 'optimal',
    backendStatus: timedOut ? `${backendStatus} (timeout ${timeoutMs} ms)` : backendStatus,
    values,
    objective: raw.result + model.offset,
    claimsOptimal: !timedOut,
  }
}
