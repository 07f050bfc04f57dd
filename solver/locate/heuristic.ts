/**
 * Primal heuristics for the capacitated p-median problem: a regret-greedy assignment with
 * an ejection repair, shift/swap improvement of the assignment, and a median-level search
 * (locate-allocate moves, then swaps of an open and a closed candidate).
 * Everything here only produces upper bounds; optimality is proven elsewhere.
 */
import type { CancelToken } from '../types.js'
import { assignmentCost, type PMedianInstance, type PMedianSolution } from './instance.js'

/** Assigns every demand to one of `open` within capacities (regret greedy); null when it fails. */
export function assignGreedy(inst: PMedianInstance, open: readonly number[]): Int32Array | null {
  const { n, m, demand, cost } = inst
  const rem = new Float64Array(m)
  for (const j of open) rem[j] = inst.capacity[j]
  // Each demand's allowed open candidates, cheapest first.
  const options: number[][] = []
  for (let i = 0; i < n; i++) {
    const row = i * m
    const list = open.filter((j) => Number.isFinite(cost[row + j]) && demand[i] <= inst.capacity[j])
    list.sort((a, b) => cost[row + a] - cost[row + b])
    if (list.length === 0) return null
    options.push(list)
  }
  const assign = new Int32Array(n).fill(-1)
  const pending = Array.from({ length: n }, (_, i) => i)
  while (pending.length > 0) {
    let pick = -1
    let pickJ = -1
    let bestRegret = -Infinity
    for (let t = 0; t < pending.length; t++) {
      const i = pending[t]
      const row = i * m
      let first = -1
      let second = -1
      for (const j of options[i]) {
        if (rem[j] + 1e-9 >= demand[i]) {
          if (first < 0) first = j
          else {
            second = j
            break
          }
        }
      }
      if (first < 0) {
        pick = t
        pickJ = -1
        break
      }
      // Larger demands first on ties: they are the hard ones to place later.
      const regret = second < 0 ? Infinity : cost[row + second] - cost[row + first]
      const key = regret + demand[i] * 1e-9
      if (key > bestRegret) {
        bestRegret = key
        pick = t
        pickJ = first
      }
    }
    const i = pending[pick]
    pending[pick] = pending[pending.length - 1]
    pending.pop()
    if (pickJ < 0) {
      if (!ejectFor(inst, i, options[i], open, assign, rem)) return null
    } else {
      assign[i] = pickJ
      rem[pickJ] -= demand[i]
    }
  }
  return assign
}

/** Places demand i by moving one already-placed demand out of the way; false when impossible. */
function ejectFor(
  inst: PMedianInstance,
  i: number,
  options: readonly number[],
  open: readonly number[],
  assign: Int32Array,
  rem: Float64Array,
): boolean {
  const { n, m, demand, cost } = inst
  let best = Infinity
  let bj = -1
  let bi2 = -1
  let bk = -1
  for (const j of options) {
    const need = demand[i] - rem[j]
    for (let i2 = 0; i2 < n; i2++) {
      if (assign[i2] !== j || demand[i2] + 1e-9 < need) continue
      for (const k of open) {
        if (k === j || rem[k] + 1e-9 < demand[i2] || !Number.isFinite(cost[i2 * m + k])) continue
        const delta = cost[i * m + j] + cost[i2 * m + k] - cost[i2 * m + j]
        if (delta < best) {
          best = delta
          bj = j
          bi2 = i2
          bk = k
        }
      }
    }
  }
  if (bj < 0) return false
  assign[bi2] = bk
  rem[bk] -= demand[bi2]
  rem[bj] += demand[bi2] - demand[i]
  assign[i] = bj
  return true
}

/** Improves an assignment in place by shifting one demand or swapping two; returns its cost. */
export function improveAssignment(inst: PMedianInstance, open: readonly number[], assign: Int32Array): number {
  const { n, m, demand, cost } = inst
  const rem = new Float64Array(m)
  for (const j of open) rem[j] = inst.capacity[j]
  for (let i = 0; i < n; i++) rem[assign[i]] -= demand[i]
  const swaps = n <= 400
  for (let pass = 0; pass < 50; pass++) {
    let improved = false
    for (let i = 0; i < n; i++) {
      const row = i * m
      const j = assign[i]
      let bestK = -1
      let bestC = cost[row + j]
      for (const k of open) {
        if (k !== j && rem[k] + 1e-9 >= demand[i] && cost[row + k] < bestC - 1e-12) {
          bestC = cost[row + k]
          bestK = k
        }
      }
      if (bestK >= 0) {
        rem[j] += demand[i]
        rem[bestK] -= demand[i]
        assign[i] = bestK
        improved = true
      }
    }
    if (swaps) {
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
          const ja = assign[a]
          const jb = assign[b]
          if (ja === jb) continue
          const delta = cost[a * m + jb] + cost[b * m + ja] - cost[a * m + ja] - cost[b * m + jb]
          if (!(delta < -1e-12)) continue
          if (rem[ja] + demand[a] - demand[b] < -1e-9 || rem[jb] + demand[b] - demand[a] < -1e-9) continue
          rem[ja] += demand[a] - demand[b]
          rem[jb] += demand[b] - demand[a]
          assign[a] = jb
          assign[b] = ja
          improved = true
        }
      }
    }
    if (!improved) break
  }
  return assignmentCost(inst, assign)
}

/** Solution for a set of open candidates (greedy + improvement), or null. */
export function solveForOpen(inst: PMedianInstance, open: readonly number[]): PMedianSolution | null {
  const assign = assignGreedy(inst, open)
  if (!assign) return null
  const cost = improveAssignment(inst, open, assign)
  return { open: [...open].sort((a, b) => a - b), assign, cost }
}

/** A first solution: the p candidates that are cheapest for the most demand, then greedy assignment. */
export function constructSolution(inst: PMedianInstance): PMedianSolution | null {
  const { n, m, p, cost, demand } = inst
  // Greedy "add" for the uncapacitated p-median, then repair capacities by assignment.
  const best = new Float64Array(n).fill(Infinity)
  const open: number[] = []
  const isOpen = new Uint8Array(m)
  for (let step = 0; step < p; step++) {
    let bj = -1
    let bv = Infinity
    for (let j = 0; j < m; j++) {
      if (isOpen[j]) continue
      let v = 0
      for (let i = 0; i < n; i++) {
        const c = Math.min(best[i], cost[i * m + j])
        v += Number.isFinite(c) ? c * (1 + demand[i] * 1e-6) : 1e12
      }
      if (v < bv) {
        bv = v
        bj = j
      }
    }
    if (bj < 0) return null
    open.push(bj)
    isOpen[bj] = 1
    for (let i = 0; i < n; i++) best[i] = Math.min(best[i], cost[i * m + bj])
  }
  return solveForOpen(inst, open)
}

/**
 * Improves a solution by moving each median to the best candidate for its own cluster, then by
 * swapping an open and a closed candidate; stops at a local optimum, the deadline or a cancel.
 */
export function improveMedians(
  inst: PMedianInstance,
  start: PMedianSolution,
  deadline: number,
  cancel?: CancelToken,
  swapCandidates = 10,
): PMedianSolution {
  let best = relocate(inst, start)
  const { n, m, cost } = inst
  for (let round = 0; round < 100; round++) {
    if (Date.now() > deadline || cancel?.cancelled) break
    let improved = false
    const isOpen = new Uint8Array(m)
    for (const j of best.open) isOpen[j] = 1
    outer: for (const j of best.open) {
      // Closed candidates ordered by their cost for j's current cluster.
      const members: number[] = []
      for (let i = 0; i < n; i++) if (best.assign[i] === j) members.push(i)
      const ranked: Array<[number, number]> = []
      for (let k = 0; k < m; k++) {
        if (isOpen[k]) continue
        let c = 0
        for (const i of members) c += cost[i * m + k]
        if (Number.isFinite(c)) ranked.push([c, k])
      }
      ranked.sort((a, b) => a[0] - b[0])
      for (const [, k] of ranked.slice(0, swapCandidates)) {
        if (Date.now() > deadline || cancel?.cancelled) break outer
        const open = best.open.map((o) => (o === j ? k : o))
        const cand = solveForOpen(inst, open)
        if (cand && cand.cost < best.cost - 1e-9) {
          best = relocate(inst, cand)
          improved = true
          break outer
        }
      }
    }
    if (!improved) break
  }
  return best
}

/** Locate-allocate: move each median to the cheapest candidate able to serve its whole cluster. */
function relocate(inst: PMedianInstance, sol: PMedianSolution): PMedianSolution {
  const { n, m, cost, demand } = inst
  let cur: PMedianSolution = { open: sol.open.slice(), assign: Int32Array.from(sol.assign), cost: sol.cost }
  for (let round = 0; round < 20; round++) {
    let changed = false
    const open = cur.open.slice()
    const isOpen = new Uint8Array(m)
    for (const j of open) isOpen[j] = 1
    for (let t = 0; t < open.length; t++) {
      const j = open[t]
      const members: number[] = []
      let load = 0
      for (let i = 0; i < n; i++) {
        if (cur.assign[i] === j) {
          members.push(i)
          load += demand[i]
        }
      }
      let bestK = j
      let bestC = 0
      for (const i of members) bestC += cost[i * m + j]
      for (let k = 0; k < m; k++) {
        if (isOpen[k] || inst.capacity[k] + 1e-9 < load) continue
        let c = 0
        for (const i of members) c += cost[i * m + k]
        if (c < bestC - 1e-9) {
          bestC = c
          bestK = k
        }
      }
      if (bestK !== j) {
        isOpen[j] = 0
        isOpen[bestK] = 1
        open[t] = bestK
        for (const i of members) cur.assign[i] = bestK
        changed = true
      }
    }
    if (!changed) break
    const assign = Int32Array.from(cur.assign)
    const c = improveAssignment(inst, open, assign)
    cur = { open: open.sort((a, b) => a - b), assign, cost: c }
  }
  return { open: cur.open, assign: cur.assign, cost: assignmentCost(inst, cur.assign) }
}

/**
 * Iterated local search: swap two random medians for random closed candidates, improve, and
 * keep the result when it is cheaper; repeats until the deadline or the target cost.
 */
export function iteratedSearch(
  inst: PMedianInstance,
  start: PMedianSolution,
  deadline: number,
  cancel?: CancelToken,
  /** Stop as soon as the cost is at most this (e.g. a proven lower bound). */
  target = -Infinity,
  seed = 1,
): PMedianSolution {
  let best = start
  let state = seed >>> 0
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
  while (Date.now() < deadline && !cancel?.cancelled && best.cost > target) {
    const open = best.open.slice()
    const isOpen = new Set(open)
    for (let k = 0; k < Math.min(2, open.length); k++) {
      const t = Math.floor(rand() * open.length)
      let j = Math.floor(rand() * inst.m)
      for (let tries = 0; isOpen.has(j) && tries < inst.m; tries++) j = (j + 1) % inst.m
      if (isOpen.has(j)) continue
      isOpen.delete(open[t])
      isOpen.add(j)
      open[t] = j
    }
    const cand = solveForOpen(inst, open)
    if (!cand) continue
    const improved = improveMedians(inst, cand, deadline, cancel)
    if (improved.cost < best.cost - 1e-9) best = improved
  }
  return best
}
