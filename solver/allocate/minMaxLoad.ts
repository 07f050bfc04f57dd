/**
 * First stage of `allocateStaff`: the smallest achievable "largest weighted demand per
 * service worker" over the service points of a county, computed exactly without a solver.
 *
 * For a load limit L, point p needs at least m_p(L) = max(1, ⌈D_p / L⌉) service workers
 * (POINT_STAFFED), a town at least max(villages, Σ m_p) service posts
 * (TOWN_SERVICE_POSTS_PER_VILLAGE) plus STATION_ADMIN_POSTS_MIN admin posts. Feasibility is
 * monotone in L, so a bisection followed by an exact descent over the breakpoints D_p / k
 * finds the least feasible L*.
 */
import { POINT_STAFFED, STATION_ADMIN_POSTS_MIN, TOWN_SERVICE_POSTS_PER_VILLAGE } from '../policy.js'
import type { CountyData, TownData } from './county.js'
import { frameFeasible, type StaffingFrame } from './frame.js'

/** Service workers point p needs so that its demand per worker is at most `limit`. */
export function pointMinimum(demand: number, limit: number): number {
  if (!Number.isFinite(limit)) return POINT_STAFFED.value
  if (limit <= 0) return demand > 0 ? Infinity : POINT_STAFFED.value
  return Math.max(POINT_STAFFED.value, Math.ceil(demand / limit - 1e-9))
}

/** Least total workers of a town given its points' minimum service workers (Shaoguan plan §2(2)). */
export function townNeed(town: TownData, minima: readonly number[]): number {
  const service = Math.max(
    TOWN_SERVICE_POSTS_PER_VILLAGE.value * town.villageCount,
    minima.reduce((s, x) => s + x, 0),
  )
  return STATION_ADMIN_POSTS_MIN.value + service
}

/** Whether the county can meet every rule when its points need `minima[t][k]` service workers. */
export function feasibleWith(county: CountyData, frame: StaffingFrame, minima: readonly (readonly number[])[]): boolean {
  return frameFeasible(county, frame, county.towns.map((t, i) => townNeed(t, minima[i])))
}

function minimaAt(county: CountyData, limit: number): number[][] {
  return county.towns.map((t) => t.points.map((p) => pointMinimum(p.demand, limit)))
}

/** The least achievable largest demand per service worker (null when the rules alone fail). */
export function minMaxLoad(county: CountyData, frame: StaffingFrame): number | null {
  if (!feasibleWith(county, frame, minimaAt(county, Infinity))) return null
  let maxD = 0
  for (const t of county.towns) for (const p of t.points) maxD = Math.max(maxD, p.demand)
  if (maxD === 0) return 0
  let lo = 0
  let hi = maxD
  for (let it = 0; it < 200 && hi - lo > 1e-12 * maxD; it++) {
    const mid = (lo + hi) / 2
    if (feasibleWith(county, frame, minimaAt(county, mid))) hi = mid
    else lo = mid
  }
  // Exact descent: the achieved ratio r is feasible; try giving every point at r one more worker.
  let minima = minimaAt(county, hi)
  for (;;) {
    const r = achievedLoad(county, minima)
    const bumped = minima.map((row, t) =>
      row.map((k, i) => {
        const d = county.towns[t].points[i].demand
        return d / k >= r * (1 - 1e-12) ? k + 1 : k
      }),
    )
    if (r === 0 || !feasibleWith(county, frame, bumped)) return r
    minima = bumped
  }
}

/** Largest demand per service worker of an allocation. */
export function achievedLoad(county: CountyData, posts: readonly (readonly number[])[]): number {
  let r = 0
  county.towns.forEach((t, ti) =>
    t.points.forEach((p, i) => {
      if (p.demand > 0) r = Math.max(r, p.demand / posts[ti][i])
    }),
  )
  return r
}
