/**
 * Lagrangian relaxation of the capacitated p-median problem (assignment rows relaxed),
 * solved by subgradient optimisation.
 *
 * With multipliers λ_i on Σ_j x_ij = 1 the problem splits into one 0/1 knapsack per
 * candidate j: v_j = min Σ_i (c_ij − λ_i) x_ij s.t. Σ_i d_i x_ij ≤ Q_j, and
 * L(λ) = Σ_i λ_i + (sum of the p smallest v_j) is a lower bound on the optimum
 * (Beasley 1993; the knapsack makes it at least as strong as the LP relaxation).
 *
 * The same quantities give valid bounds on every solution that uses a given pair or opens
 * or closes a given candidate ("Lagrangian reduced-cost fixing"); a pair whose bound
 * reaches the incumbent's cost cannot improve on it and is left out of the MILP.
 * While iterating, the p candidates the relaxation opens are handed to the assignment
 * heuristic, which often finds the optimum (a Lagrangian heuristic).
 */
import type { CancelToken } from '../types.js'
import { improveMedians, solveForOpen } from './heuristic.js'
import type { PMedianInstance, PMedianSolution } from './instance.js'

/** Settings of `lagrangianBound`. */
export interface LagrangianOptions {
  /** The incumbent (best known solution), improved in place of a better one when found. */
  incumbent: PMedianSolution | null
  deadline: number
  cancel?: CancelToken
  maxIterations?: number
}

/** Bounds produced by `lagrangianBound`; all are lower bounds on the cost of the named solutions. */
export interface LagrangianResult {
  lowerBound: number
  incumbent: PMedianSolution | null
  /** pairBound[i*m+j]: bound on any solution serving i from j (−∞ if unknown). */
  pairBound: Float64Array
  /** Bound on any solution that opens j. */
  openBound: Float64Array
  /** Bound on any solution that keeps j closed. */
  closedBound: Float64Array
  iterations: number
  /** Whether every knapsack was solved exactly (integer demands and capacities). */
  exactKnapsacks: boolean
  /** The multipliers of the best bound and each candidate's knapsack value v_j there. */
  bestLambda: Float64Array
  bestV: Float64Array
}

const MAX_DP_CELLS = 4_000_000

/** Runs the subgradient method; returns the best lower bound and the fixing bounds. */
export function lagrangianBound(inst: PMedianInstance, opts: LagrangianOptions): LagrangianResult {
  const { n, m, p, demand, capacity, cost } = inst
  let incumbent = opts.incumbent
  const pairBound = new Float64Array(n * m).fill(-Infinity)
  const openBound = new Float64Array(m).fill(-Infinity)
  const closedBound = new Float64Array(m).fill(-Infinity)
  const exactOk = Array.from(capacity, (q) => !Number.isFinite(q) || (Number.isInteger(q) && q <= 200_000))
  const intDemands = demand.every((d) => Number.isInteger(d))
  const exactKnapsacks = intDemands && exactOk.every(Boolean)

  // Start from the cost of each demand's cheapest allowed candidate.
  const lambda = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let c = Infinity
    for (let j = 0; j < m; j++) c = Math.min(c, cost[i * m + j])
    lambda[i] = Number.isFinite(c) ? c : 0
  }
  const v = new Float64Array(m)
  const bestLambda = new Float64Array(n)
  const bestV = new Float64Array(m)
  const chosen: Int32Array[] = Array.from({ length: m }, () => new Int32Array(0))
  const order = new Int32Array(m)
  const f = new Float64Array(1)
  let table: Float64Array = f
  let keep = new Uint8Array(0)
  const g = new Float64Array(n)
  const tried = new Set<string>()
  let best = -Infinity
  let mu = 2
  let sinceImprove = 0
  const maxIter = opts.maxIterations ?? 5000
  // No solution costs more than Σ_i max_j c_ij: a bound above it means there is none.
  let ceiling = 0
  for (let i = 0; i < n; i++) {
    let worst = -Infinity
    for (let j = 0; j < m; j++) if (Number.isFinite(cost[i * m + j])) worst = Math.max(worst, cost[i * m + j])
    ceiling += worst
  }
  const gapClosed = (lb: number) => incumbent !== null && lb > incumbent.cost - (inst.integral ? 1 - 1e-6 : 1e-9 * Math.max(1, Math.abs(incumbent.cost)))
  let it = 0
  for (; it < maxIter; it++) {
    if (Date.now() > opts.deadline || opts.cancel?.cancelled) break
    let L0 = 0
    for (let i = 0; i < n; i++) L0 += lambda[i]
    // One knapsack per candidate; remember f_j(c) per capacity for the pair bounds below.
    const fAt: Array<(cap: number) => number> = []
    for (let j = 0; j < m; j++) {
      const items: number[] = []
      let weight = 0
      for (let i = 0; i < n; i++) {
        const r = cost[i * m + j] - lambda[i]
        if (r < 0 && demand[i] <= capacity[j]) {
          items.push(i)
          weight += demand[i]
        }
      }
      const Q = capacity[j]
      if (!Number.isFinite(Q) || weight <= Q) {
        let total = 0
        for (const i of items) total += lambda[i] - cost[i * m + j]
        v[j] = -total
        chosen[j] = Int32Array.from(items)
        if (!Number.isFinite(Q)) {
          fAt.push(() => total)
          continue
        }
      }
      if (exactOk[j] && intDemands && items.length * (Q + 1) <= MAX_DP_CELLS) {
        const W = Q
        if (table.length < W + 1) table = new Float64Array(W + 1)
        const dp = table.subarray(0, W + 1).fill(0)
        if (keep.length < items.length * (W + 1)) keep = new Uint8Array(items.length * (W + 1))
        for (let t = 0; t < items.length; t++) {
          const i = items[t]
          const w = demand[i]
          const pr = lambda[i] - cost[i * m + j]
          const base = t * (W + 1)
          keep.fill(0, base, base + W + 1)
          for (let c = W; c >= w; c--) {
            const cand = dp[c - w] + pr
            if (cand > dp[c]) {
              dp[c] = cand
              keep[base + c] = 1
            }
          }
        }
        if (weight > Q) {
          v[j] = -dp[W]
          const sel: number[] = []
          let c = W
          for (let t = items.length - 1; t >= 0; t--) {
            if (keep[t * (W + 1) + c]) {
              sel.push(items[t])
              c -= demand[items[t]]
            }
          }
          chosen[j] = Int32Array.from(sel)
        }
        const snapshot = Float64Array.from(dp)
        fAt.push((cap) => (cap < 0 ? -Infinity : snapshot[Math.min(W, Math.floor(cap))]))
      } else {
        // Fractional (Dantzig) knapsack: a weaker but valid relaxation for non-integer data.
        const frac = fractionalKnapsack(items, (i) => lambda[i] - cost[i * m + j], (i) => demand[i])
        if (weight > Q) {
          const r = frac(Q)
          v[j] = -r.value
          chosen[j] = Int32Array.from(r.taken)
        }
        fAt.push((cap) => (cap < 0 ? -Infinity : frac(cap).value))
      }
    }
    // Open the p candidates with the smallest v_j.
    for (let j = 0; j < m; j++) order[j] = j
    order.sort((a, b) => v[a] - v[b] || a - b)
    const rank = new Int32Array(m)
    for (let r = 0; r < m; r++) rank[order[r]] = r
    let Sp = 0
    for (let r = 0; r < p; r++) Sp += v[order[r]]
    const Sp1 = Sp - v[order[p - 1]]
    const next = p < m ? v[order[p]] : Infinity
    const L = L0 + Sp
    if (L > best + 1e-9) {
      best = L
      bestLambda.set(lambda)
      bestV.set(v)
      sinceImprove = 0
    } else if (++sinceImprove >= 20) {
      mu /= 2
      sinceImprove = 0
    }
    // Fixing bounds at this λ (keep the largest seen).
    for (let j = 0; j < m; j++) {
      const without = rank[j] < p ? Sp - v[j] : Sp1
      const ob = L0 + v[j] + without
      if (ob > openBound[j]) openBound[j] = ob
      const cb = L0 + (rank[j] < p ? Sp - v[j] + next : Sp)
      if (cb > closedBound[j]) closedBound[j] = cb
      const fj = fAt[j]
      const full = fj(capacity[j])
      for (let i = 0; i < n; i++) {
        const c = cost[i * m + j]
        if (!Number.isFinite(c) || demand[i] > capacity[j]) continue
        // Serving i from j: its own reduced cost plus the best use of the remaining capacity.
        const rest = Number.isFinite(capacity[j]) ? fj(capacity[j] - demand[i]) : full
        const pb = L0 + without + (c - lambda[i]) - rest
        const k = i * m + j
        if (pb > pairBound[k]) pairBound[k] = pb
      }
    }
    // Lagrangian heuristic: try the relaxation's open set as a real solution.
    const open = Array.from(order.subarray(0, p)).sort((a, b) => a - b)
    const key = open.join(',')
    if (!tried.has(key) && tried.size < 2000) {
      tried.add(key)
      const sol = solveForOpen(inst, open)
      if (sol && (!incumbent || sol.cost < incumbent.cost - 1e-9)) incumbent = sol
    }
    if (gapClosed(best) || best > ceiling + 1e-6 * Math.max(1, Math.abs(ceiling))) break
    // Subgradient step on the relaxed assignment rows.
    g.fill(1)
    for (let r = 0; r < p; r++) for (const i of chosen[order[r]]) g[i] -= 1
    let norm = 0
    for (let i = 0; i < n; i++) norm += g[i] * g[i]
    if (norm === 0) {
      // Every demand is served exactly once: the relaxed solution is feasible, hence optimal.
      const assign = new Int32Array(n)
      for (let r = 0; r < p; r++) for (const i of chosen[order[r]]) assign[i] = order[r]
      let c = 0
      for (let i = 0; i < n; i++) c += cost[i * m + assign[i]]
      if (!incumbent || c < incumbent.cost - 1e-9) incumbent = { open, assign, cost: c }
      break
    }
    const target = incumbent ? incumbent.cost : Math.abs(best) * 1.1 + 1
    const step = (mu * Math.max(target - L, 1e-6 * Math.max(1, Math.abs(target)))) / norm
    for (let i = 0; i < n; i++) lambda[i] += step * g[i]
    if (mu < 1e-3) break
  }
  if (incumbent) incumbent = improveMedians(inst, incumbent, opts.deadline, opts.cancel)
  return { lowerBound: best, incumbent, pairBound, openBound, closedBound, iterations: it, exactKnapsacks, bestLambda, bestV }
}

/** Fractional knapsack over `items`: the maximum profit within a capacity, and the items taken. */
function fractionalKnapsack(
  items: readonly number[],
  profit: (i: number) => number,
  weight: (i: number) => number,
): (cap: number) => { value: number; taken: number[] } {
  const sorted = items.slice().sort((a, b) => profit(b) / Math.max(weight(b), 1e-12) - profit(a) / Math.max(weight(a), 1e-12))
  return (cap) => {
    let value = 0
    let left = cap
    const taken: number[] = []
    for (const i of sorted) {
      const w = weight(i)
      if (w <= left) {
        value += profit(i)
        left -= w
        taken.push(i)
      } else {
        if (w > 0) value += (profit(i) * left) / w
        break
      }
    }
    return { value, taken }
  }
}
