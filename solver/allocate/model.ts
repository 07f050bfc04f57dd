/**
 * Second stage of `allocateStaff`: with every point's demand per worker at most the stage-one
 * optimum L*, spread service posts in proportion to demand and price every change.
 *
 *   min Σ_p |s_p − share_p| + w_in · (workers leaving their post)
 *       + w_recruit · Σ r_t + (w_release − w_in) · Σ l_t + (w_transfer − w_in) · Σ x_ij
 *   share_p = D_p / D · (budget − admin minimum × stations): the point's demand share of the
 *             county's service capacity when every station keeps only its minimum admin posts
 *   s_p ≥ max(1, ⌈D_p / L*⌉)                  POINT_STAFFED, Shaoguan plan §2(2)
 *   σ_t = Σ_{p ∈ t} s_p ≥ villages of t         TOWN_SERVICE_POSTS_PER_VILLAGE, Shaoguan plan §2(2)
 *   a_t ≥ 2                                      STATION_ADMIN_POSTS_MIN, Shaoguan plan §2(2)
 *   a_t + σ_t = today_t + r_t − l_t + Σ_i x_it − Σ_j x_tj     (the town's workers, §2(3))
 *   Σ r_t − Σ l_t = budget − today               (recruits r_t ≤ cap, releases l_t ≤ cap: frame.ts)
 *   x_ij only on the frame's transfer arcs (none unless transfers are allowed)
 *
 * A min-cost flow (outside → town via recruits, town → outside via releases, town → town via
 * transfers, town → station | service → point) with convex piecewise-linear arc costs. Each
 * cost is written as segments between integer breakpoints (|s − share| is interpolated between
 * ⌊share⌋ and ⌈share⌉, which changes nothing at integer s), so the constraint matrix is a
 * network matrix with integer bounds and the LP relaxation has integral optimal vertices:
 * either backend solves it as an LP, and the verifier checks integrality against the integer model.
 */
import { ModelBuilder, type LinearModel } from '../model.js'
import { POINT_STAFFED, STATION_ADMIN_POSTS_MIN, TOWN_SERVICE_POSTS_PER_VILLAGE } from '../policy.js'
import type { CountyData } from './county.js'
import type { StaffingFrame } from './frame.js'

/** Prices of a move, in units of the deviation measure (service posts). */
export interface MovePenalty {
  /** Per worker who leaves today's post (station or service point). */
  withinTown: number
  /** Per worker transferred to another town (in total, not on top of `withinTown`). */
  acrossTowns: number
  /** Per new post filled by recruitment. */
  recruit: number
  /** Per worker released (in total, not on top of `withinTown`). */
  release: number
}

/** A quantity `base + Σ vars` of the model (a point's or station's posts). */
export interface Quantity {
  base: number
  vars: number[]
}

/** The built model and where each town's and point's posts live in it. */
export interface AllocationModel {
  model: LinearModel
  admin: Quantity[]
  service: Quantity[][]
  /** share_p per town and point. */
  shares: number[][]
  /** Recruit and release variables per town. */
  recruit: number[]
  release: number[]
  /** Transfer variables with their arc [from, to]. */
  transfers: Array<{ from: number; to: number; v: number }>
}

/**
 * Adds `x = lb + Σ segments` for a convex function f known at integers, with segments between
 * the integer breakpoints in (lb, ub) and a last segment (unbounded when ub = ∞) of f's final slope.
 */
function convexSegments(b: ModelBuilder, name: string, lb: number, ub: number, breaks: number[], f: (x: number) => number): Quantity {
  const points = [...new Set(breaks.filter((x) => x > lb && x < ub).map((x) => Math.round(x)))].sort((a, c) => a - c)
  const vars: number[] = []
  let from = lb
  for (const to of points) {
    vars.push(b.addVar(`${name}_${from}`, { lb: 0, ub: to - from, cost: (f(to) - f(from)) / (to - from), integer: true }))
    from = to
  }
  if (ub > from) vars.push(b.addVar(`${name}_${from}`, { lb: 0, ub: ub - from, cost: f(from + 1) - f(from), integer: true }))
  b.addOffset(f(lb))
  return { base: lb, vars }
}

/** Builds the stage-two model of one county. */
export function buildAllocationModel(
  county: CountyData,
  frame: StaffingFrame,
  minima: readonly (readonly number[])[],
  penalty: MovePenalty,
): AllocationModel {
  const b = new ModelBuilder('min')
  const adminMin = STATION_ADMIN_POSTS_MIN.value
  const demand = county.towns.reduce((s, t) => s + t.points.reduce((u, p) => u + p.demand, 0), 0)
  const capacity = Math.max(0, county.budget - adminMin * county.towns.length)
  const admin: Quantity[] = []
  const service: Quantity[][] = []
  const shares: number[][] = []
  const recruit: number[] = []
  const release: number[] = []
  // Town rows: a_t + σ_t − r_t + l_t + Σ out − Σ in = today_t (terms collected first).
  const rows = county.towns.map(() => ({ vars: [] as number[], coefs: [] as number[] }))
  const transfers = frame.arcs.map(([from, to]) => {
    const v = b.addVar(`transfer_${county.towns[from].code}_${county.towns[to].code}`, { lb: 0, integer: true, cost: penalty.acrossTowns - penalty.withinTown })
    rows[from].vars.push(v)
    rows[from].coefs.push(1)
    rows[to].vars.push(v)
    rows[to].coefs.push(-1)
    return { from, to, v }
  })
  county.towns.forEach((t, ti) => {
    const r = b.addVar(`recruit_${t.code}`, { lb: 0, ub: frame.recruitCap[ti], integer: true, cost: penalty.recruit })
    const l = b.addVar(`release_${t.code}`, { lb: 0, ub: frame.releaseCap[ti], integer: true, cost: Math.max(0, penalty.release - penalty.withinTown) })
    recruit.push(r)
    release.push(l)
    const a = convexSegments(b, `admin_${t.code}`, adminMin, Infinity, [t.admin0], (x) => penalty.withinTown * Math.max(0, t.admin0 - x))
    admin.push(a)
    const sigmaMin = Math.max(TOWN_SERVICE_POSTS_PER_VILLAGE.value * t.villageCount, 0)
    const sigma = b.addVar(`service_${t.code}`, { lb: sigmaMin, integer: true })
    const sh: number[] = []
    const pts = t.points.map((p, k) => {
      const share = demand > 0 ? (p.demand / demand) * capacity : 0
      sh.push(share)
      const f = (x: number) => Math.abs(x - share) + penalty.withinTown * Math.max(0, p.workers0 - x)
      const lb = Math.max(POINT_STAFFED.value, minima[ti][k])
      return convexSegments(b, `posts_${t.code}_${k}`, lb, Infinity, [Math.floor(share), Math.ceil(share), p.workers0], f)
    })
    service.push(pts)
    shares.push(sh)
    const row = rows[ti]
    b.eq(
      `town_${t.code}`,
      [...a.vars, sigma, r, l, ...row.vars],
      [...a.vars.map(() => 1), 1, -1, 1, ...row.coefs],
      t.today - a.base,
    )
    // −σ_t + Σ_p s_p = −(Σ_p base_p): the service node (signs keep the matrix a network matrix).
    const zs = pts.flatMap((q) => q.vars)
    b.eq(`service_${t.code}`, [sigma, ...zs], [-1, ...zs.map(() => 1)], -pts.reduce((s, q) => s + q.base, 0))
  })
  b.eq('outside', [...recruit, ...release], [...recruit.map(() => 1), ...release.map(() => -1)], county.budget - county.today)
  return { model: b.build(), admin, service, shares, recruit, release, transfers }
}

/** Value of a quantity in a solution. */
export function valueOf(q: Quantity, values: readonly number[]): number {
  return q.vars.reduce((s, v) => s + values[v], q.base)
}
