/**
 * The exact dynamic programme of the visit plan.
 *
 * State (i, S, p): working day i of the month is next to decide, S is the set of stations
 * visited so far, p is where the supervisor is: at the base, or at station p whose visit
 * ended on working day i − 1 (so a visit starting on day i is reached straight from it).
 * On day i the supervisor either stays at the base (going home from p first) or starts the
 * visit of a station j ∉ S that fits days i..i+L−1 (working days only; none unavailable or
 * blocked for j; no other station's fixed date; all of j's fixed dates inside), reaching
 * (i + L, S ∪ {j}, j). Every schedule of one visit per station is a path of this graph and
 * every path is a schedule, and the cost of a step depends only on its state, so the
 * cheapest path is the optimum: exact by construction, no solver needed.
 *
 * Cost, lexicographic in one exact integer: metres × SCALE + spread, where
 * spread = Σ_k |2n·s_k + n·L − (2k+1)·m| (the k-th visit in date order starting on working day
 * s_k; in units of 1/(2n) working day, see `spreadOf`), far below SCALE.
 */
import type { VisitProblem } from './problem.js'

/** A visit in working-day indices. */
export interface PlannedVisit {
  station: number
  start: number
}

/** Weight of one metre against the spread term (spread ≤ n · 2nm < 10^6 for n ≤ 12, m ≤ 31). */
const SCALE = 1e6

/** Spread term of the k-th visit (0-based, in date order) starting on working day s. */
export function spreadTerm(k: number, s: number, n: number, m: number, L: number): number {
  return Math.abs(2 * n * s + n * L - (2 * k + 1) * m)
}

/** Whether station j's visit may start on working day i. */
function fits(p: VisitProblem, j: number, i: number): boolean {
  const L = p.daysPerVisit
  const m = p.days.length
  if (i + L > m) return false
  for (let d = i; d < i + L; d++) {
    if (p.unavailable[d] || p.blocked[j][d]) return false
    if (p.fixedOwner[d] !== -1 && p.fixedOwner[d] !== j) return false
  }
  return p.fixedDays[j].every((d) => d >= i && d < i + L)
}

/** The optimal visits (one per station), or null when no schedule keeps every rule. */
export function solveVisitDp(p: VisitProblem): { visits: PlannedVisit[]; metres: number; spread: number } | null {
  const n = p.stations.length
  const m = p.days.length
  const L = p.daysPerVisit
  const full = (1 << n) - 1
  const P = n + 1 // places: stations 0..n−1, base n
  const size = (m + 1) * (full + 1) * P
  const at = (i: number, S: number, q: number) => (i * (full + 1) + S) * P + q
  const cost = new Float64Array(size).fill(Infinity)
  const from = new Int32Array(size).fill(-1)
  const started = new Int8Array(size).fill(-1) // station whose visit led here, −1 = a day at base
  const canStart = p.stations.map((_, j) => Array.from({ length: m }, (_, i) => fits(p, j, i)))
  const d = p.distM
  cost[at(0, 0, n)] = 0
  for (let i = 0; i < m; i++) {
    for (let S = 0; S <= full; S++) {
      const k = popcount(S)
      for (let q = 0; q < P; q++) {
        const here = at(i, S, q)
        const c = cost[here]
        if (c === Infinity) continue
        if (p.fixedOwner[i] === -1) {
          const next = at(i + 1, S, n)
          const v = c + (q === n ? 0 : d[q][n] * SCALE)
          if (v < cost[next]) {
            cost[next] = v
            from[next] = here
            started[next] = -1
          }
        }
        for (let j = 0; j < n; j++) {
          if (S & (1 << j) || !canStart[j][i]) continue
          const next = at(i + L, S | (1 << j), j)
          const v = c + d[q][j] * SCALE + spreadTerm(k, i, n, m, L)
          if (v < cost[next]) {
            cost[next] = v
            from[next] = here
            started[next] = j
          }
        }
      }
    }
  }
  let best = -1
  let bestCost = Infinity
  for (let q = 0; q < P; q++) {
    const c = cost[at(m, full, q)] + (q === n ? 0 : d[q][n] * SCALE)
    if (c < bestCost) {
      bestCost = c
      best = at(m, full, q)
    }
  }
  if (best < 0) return null
  const visits: PlannedVisit[] = []
  for (let s = best; from[s] >= 0; s = from[s]) {
    if (started[s] >= 0) visits.push({ station: started[s], start: Math.floor(from[s] / P / (full + 1)) })
  }
  visits.reverse()
  return { visits, metres: Math.floor(bestCost / SCALE), spread: bestCost % SCALE }
}

function popcount(x: number): number {
  let c = 0
  for (; x; x &= x - 1) c++
  return c
}
