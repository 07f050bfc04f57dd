/**
 * How a county's towns may change their headcount in a staff plan (Shaoguan plan §2(3): the
 * town employs its workers):
 * - every town keeps its workers; posts beyond them are recruits (招聘, §2(2));
 * - a budget below `keep` (today's headcount plus the posts the rules need) releases workers,
 *   and then a town recruits only what the rules need;
 * - a worker changes town (a transfer) only when transfers are allowed, and only between two
 *   towns whose every station and point lie within `maxTransferKm` of each other, so that any
 *   worker of the one may take any post of the other within the limit.
 */
import { haversineMetres } from '../geo.js'
import type { CountyData } from './county.js'
import { ruleNeed } from './county.js'

/** The recruit, release and transfer arcs open to one county's plan. */
export interface StaffingFrame {
  /** The budget is below `keep`: workers are released, recruits only where the rules need them. */
  shrinking: boolean
  /** Most recruits per town (Infinity unless shrinking). */
  recruitCap: number[]
  /** Most released workers per town (0 unless shrinking). */
  releaseCap: number[]
  /** Towns a worker may be transferred between, as [from, to] indices. */
  arcs: Array<[number, number]>
}

/** Options of the frame: transfers and their distance limit. */
export interface TransferRule {
  allowTransfers: boolean
  maxTransferKm: number
}

/** Largest straight-line distance (km) between any location of two towns; Infinity without coordinates. */
export function townSpanKm(a: CountyData['towns'][number], b: CountyData['towns'][number]): number {
  if (!a.locations || !b.locations) return Infinity
  let most = 0
  for (const p of a.locations) for (const q of b.locations) most = Math.max(most, haversineMetres(p, q) / 1000)
  return most
}

/** The pairs of towns a worker may be transferred between. */
export function transferArcs(county: CountyData, rule: TransferRule): Array<[number, number]> {
  if (!rule.allowTransfers) return []
  const arcs: Array<[number, number]> = []
  county.towns.forEach((a, i) =>
    county.towns.forEach((b, j) => {
      if (i !== j && townSpanKm(a, b) <= rule.maxTransferKm) arcs.push([i, j])
    }),
  )
  return arcs
}

/** The frame of a county's plan. */
export function staffingFrame(county: CountyData, rule: TransferRule): StaffingFrame {
  const shrinking = county.budget < county.keep
  return {
    shrinking,
    recruitCap: county.towns.map((t) => (shrinking ? Math.max(0, ruleNeed(t) - t.today) : Infinity)),
    releaseCap: county.towns.map((t) => (shrinking ? t.today : 0)),
    arcs: transferArcs(county, rule),
  }
}

/**
 * Whether every town t can reach at least `needs[t]` workers with the budget: deficits are
 * covered by recruits (within their caps) and by transfers from towns with a surplus along the
 * frame's arcs (a max flow), the rest of the budget is placed anywhere (or released).
 */
export function frameFeasible(county: CountyData, frame: StaffingFrame, needs: readonly number[]): boolean {
  const n = county.towns.length
  let totalNeed = 0
  let totalDeficit = 0
  const deficit = county.towns.map((t, i) => {
    totalNeed += needs[i]
    const d = Math.max(0, needs[i] - t.today)
    totalDeficit += d
    return d
  })
  if (totalNeed > county.budget) return false
  if (!frame.shrinking && county.today + totalDeficit <= county.budget) return true
  if (frame.shrinking && deficit.every((d, i) => d <= frame.recruitCap[i])) return true
  if (frame.arcs.length === 0) return false
  // Max flow: source → surplus towns → (arcs) → deficit towns → sink; recruits source → deficit.
  const S = n
  const T = n + 1
  const R = n + 2
  const cap: number[][] = Array.from({ length: n + 3 }, () => new Array(n + 3).fill(0))
  county.towns.forEach((t, i) => {
    cap[S][i] += Math.max(0, t.today - needs[i])
    cap[i][T] += deficit[i]
    if (frame.shrinking) cap[R][i] += frame.recruitCap[i]
    else cap[R][i] += deficit[i]
  })
  cap[S][R] = frame.shrinking ? totalDeficit : county.budget - county.today
  for (const [i, j] of frame.arcs) cap[i][j] = totalDeficit
  return maxFlow(cap, S, T) >= totalDeficit
}

/** Edmonds-Karp on a small dense capacity matrix (changed in place). */
function maxFlow(cap: number[][], s: number, t: number): number {
  const n = cap.length
  let flow = 0
  for (;;) {
    const prev = new Array<number>(n).fill(-1)
    prev[s] = s
    const queue = [s]
    for (let h = 0; h < queue.length && prev[t] === -1; h++) {
      const u = queue[h]
      for (let v = 0; v < n; v++) {
        if (prev[v] === -1 && cap[u][v] > 0) {
          prev[v] = u
          queue.push(v)
        }
      }
    }
    if (prev[t] === -1) return flow
    let push = Infinity
    for (let v = t; v !== s; v = prev[v]) push = Math.min(push, cap[prev[v]][v])
    for (let v = t; v !== s; v = prev[v]) {
      cap[prev[v]][v] -= push
      cap[v][prev[v]] += push
    }
    flow += push
  }
}
