/**
 * The capacitated p-median MILP (strong form), optionally restricted to a subset of pairs:
 *   min Σ c_ij x_ij  s.t.  Σ_j x_ij = 1,  Σ_i d_i x_ij ≤ Q_j y_j,  x_ij ≤ y_j,  Σ_j y_j = p,
 *   x, y binary.  The x_ij ≤ y_j rows make the LP relaxation much tighter than the
 *   capacity rows alone (the "strong" formulation of facility location).
 */
import { ModelBuilder, type LinearModel } from '../model.js'
import type { PMedianInstance, PMedianSolution } from './instance.js'

/** A built model and where each decision lives in it. */
export interface LocateModel {
  model: LinearModel
  /** xIndex[i*m+j]: variable of pair (i, j), or −1 when the pair is left out. */
  xIndex: Int32Array
  /** yIndex[j]: variable of candidate j, or −1 when j is kept closed. */
  yIndex: Int32Array
}

/** Which parts of the model to keep (all, when omitted). */
export interface Reduction {
  keepPair?: (i: number, j: number) => boolean
  keepCandidate?: (j: number) => boolean
  mustOpen?: (j: number) => boolean
  /**
   * Lagrangian knapsack cuts Σ_i (c_ij − λ_i) x_ij ≥ v_j y_j, valid for any λ when v_j is the
   * knapsack minimum of candidate j at λ; they lift the LP bound to the Lagrangian bound.
   */
  cuts?: Array<{ lambda: Float64Array; v: Float64Array }>
}

/** Builds the (possibly reduced) MILP of `inst`. */
export function buildLocateModel(inst: PMedianInstance, red: Reduction = {}): LocateModel {
  const { n, m, p, demand, capacity, cost } = inst
  const b = new ModelBuilder('min')
  const yIndex = new Int32Array(m).fill(-1)
  const xIndex = new Int32Array(n * m).fill(-1)
  for (let j = 0; j < m; j++) {
    if (red.keepCandidate && !red.keepCandidate(j)) continue
    yIndex[j] = b.addVar(`y${j}`, { lb: red.mustOpen?.(j) ? 1 : 0, ub: 1, integer: true })
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = cost[i * m + j]
      if (yIndex[j] < 0 || !Number.isFinite(c) || demand[i] > capacity[j]) continue
      if (red.keepPair && !red.keepPair(i, j)) continue
      xIndex[i * m + j] = b.addVar(`x${i}_${j}`, { lb: 0, ub: 1, cost: c, integer: true })
    }
  }
  for (let i = 0; i < n; i++) {
    const vars: number[] = []
    for (let j = 0; j < m; j++) if (xIndex[i * m + j] >= 0) vars.push(xIndex[i * m + j])
    b.eq(`assign${i}`, vars, vars.map(() => 1), 1)
  }
  for (let j = 0; j < m; j++) {
    if (yIndex[j] < 0) continue
    const vars: number[] = []
    const coefs: number[] = []
    for (let i = 0; i < n; i++) {
      const x = xIndex[i * m + j]
      if (x < 0) continue
      vars.push(x)
      coefs.push(demand[i])
      b.le(`link${i}_${j}`, [x, yIndex[j]], [1, -1], 0)
    }
    if (Number.isFinite(capacity[j])) b.le(`cap${j}`, [...vars, yIndex[j]], [...coefs, -capacity[j]], 0)
  }
  for (const [k, cut] of (red.cuts ?? []).entries()) {
    for (let j = 0; j < m; j++) {
      if (yIndex[j] < 0 || !(cut.v[j] < 0)) continue
      const vars: number[] = []
      const coefs: number[] = []
      for (let i = 0; i < n; i++) {
        const x = xIndex[i * m + j]
        if (x < 0) continue
        vars.push(x)
        coefs.push(cost[i * m + j] - cut.lambda[i])
      }
      b.ge(`lagr${k}_${j}`, [...vars, yIndex[j]], [...coefs, -cut.v[j]], 0)
    }
  }
  const ys = Array.from(yIndex).filter((y) => y >= 0)
  b.eq('p', ys, ys.map(() => 1), p)
  return { model: b.build(), xIndex, yIndex }
}

/** The model's variable values for a solution (a MIP start). */
export function startValues(lm: LocateModel, inst: PMedianInstance, sol: PMedianSolution): number[] | null {
  const values = new Array<number>(lm.model.variables.length).fill(0)
  for (const j of sol.open) {
    if (lm.yIndex[j] < 0) return null
    values[lm.yIndex[j]] = 1
  }
  for (let i = 0; i < inst.n; i++) {
    const x = lm.xIndex[i * inst.m + sol.assign[i]]
    if (x < 0) return null
    values[x] = 1
  }
  return values
}

/** Reads a solution back from the model's values. */
export function readSolution(lm: LocateModel, inst: PMedianInstance, values: readonly number[]): PMedianSolution {
  const open: number[] = []
  for (let j = 0; j < inst.m; j++) if (lm.yIndex[j] >= 0 && values[lm.yIndex[j]] > 0.5) open.push(j)
  const assign = new Int32Array(inst.n).fill(-1)
  let cost = 0
  for (let i = 0; i < inst.n; i++) {
    for (let j = 0; j < inst.m; j++) {
      const x = lm.xIndex[i * inst.m + j]
      if (x >= 0 && values[x] > 0.5) {
        assign[i] = j
        cost += inst.cost[i * inst.m + j]
      }
    }
  }
  return { open, assign, cost }
}
