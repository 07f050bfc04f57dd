/**
 * The numeric form of a capacitated p-median instance shared by the heuristic, the
 * Lagrangian bound and the MILP builder: dense typed arrays, `Infinity` for a forbidden pair.
 */

/** A capacitated p-median instance: n demands, m candidates, open exactly p. */
export interface PMedianInstance {
  readonly n: number
  readonly m: number
  readonly p: number
  readonly demand: Float64Array
  /** Capacity per candidate; `Infinity` when uncapacitated. */
  readonly capacity: Float64Array
  /** cost[i * m + j]: cost of serving demand i from candidate j; `Infinity` = not allowed. */
  readonly cost: Float64Array
  /** All costs (of allowed pairs) are integers, so objective values are integers. */
  readonly integral: boolean
}

/** A solution: the open candidates and, per demand, the candidate serving it. */
export interface PMedianSolution {
  open: number[]
  assign: Int32Array
  cost: number
}

/** Total cost of an assignment. */
export function assignmentCost(inst: PMedianInstance, assign: Int32Array): number {
  let total = 0
  for (let i = 0; i < inst.n; i++) total += inst.cost[i * inst.m + assign[i]]
  return total
}

/** Checks a solution against every rule of the problem; returns the broken ones in words. */
export function checkPMedianSolution(inst: PMedianInstance, sol: PMedianSolution): string[] {
  const errors: string[] = []
  const open = new Set(sol.open)
  if (open.size !== sol.open.length) errors.push('a candidate is opened twice')
  if (open.size !== inst.p) errors.push(`${open.size} candidates open, ${inst.p} required`)
  const load = new Float64Array(inst.m)
  for (let i = 0; i < inst.n; i++) {
    const j = sol.assign[i]
    if (!open.has(j)) errors.push(`demand ${i} served by candidate ${j}, which is not open`)
    else if (!Number.isFinite(inst.cost[i * inst.m + j])) errors.push(`demand ${i} may not be served by candidate ${j}`)
    else load[j] += inst.demand[i]
  }
  for (const j of open) {
    if (load[j] > inst.capacity[j] * (1 + 1e-9) + 1e-9) errors.push(`candidate ${j} load ${load[j]} above capacity ${inst.capacity[j]}`)
  }
  const cost = assignmentCost(inst, sol.assign)
  if (Math.abs(cost - sol.cost) > 1e-6 * Math.max(1, Math.abs(cost))) errors.push(`reported cost ${sol.cost}, recomputed ${cost}`)
  return errors
}
