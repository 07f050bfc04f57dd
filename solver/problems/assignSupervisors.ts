/**
 * `assignSupervisors`: every station to one supervisor, 5-8 stations each
 * (SUPERVISOR_STATIONS, Shaoguan plan §2(6)). A supervisor may `keep` stations outside the
 * input (a county plan: their stations in other counties); then 5-8 holds for the total, so
 * the input gives them between max(0, 5 − keep) and 8 − keep of its stations.
 *
 * Measure, lexicographically with a slack:
 *  1. least total base-to-station distance D* (a transportation problem: its LP relaxation
 *     is integral, so either backend solves it as an LP);
 *  2. within total distance ≤ D* · (1 + distanceSlack), the most even load:
 *     minimise Σ_k |stations_k − n/K|, ties broken by distance (a small MILP, HiGHS).
 */
import { distanceBetween, isLngLat, type DistanceTable, type LngLat } from '../geo.js'
import { ModelBuilder } from '../model.js'
import { SUPERVISOR_STATIONS } from '../policy.js'
import { solveModel } from '../solve.js'
import { rejectedBeforeSolving, SolverInputError, type Infeasibility, type RunOptions, type SolveMeta } from '../types.js'

/** Input of `assignSupervisors`. */
export interface AssignSupervisorsInput {
  stations: Array<{ id: string; name?: string; lnglat?: LngLat }>
  supervisors: Array<{
    id: string
    name?: string
    base?: LngLat
    /** Stations outside the input that this supervisor keeps (default 0). */
    keep?: number
  }>
  /** Metres from a supervisor's base to a station: `distancesM[supervisorId][stationId]`; else haversine. */
  distancesM?: DistanceTable
  /** Relative extra distance allowed to balance the load (default 0.05). */
  distanceSlack?: number
}

/** Output of `assignSupervisors`. */
export interface AssignSupervisorsResult extends SolveMeta {
  /** stationId → supervisorId. */
  assignment: Record<string, string>
  supervisors: Array<{ id: string; stations: string[]; distanceM: number }>
  totalDistanceM: number | null
  /** The least total distance of any valid assignment (stage one). */
  minDistanceM: number | null
  explanations?: Infeasibility[]
}

/** Stations to supervisors: least total distance, then balanced load (5-8 stations each). */
export async function assignSupervisors(input: AssignSupervisorsInput, options: RunOptions = {}): Promise<AssignSupervisorsResult> {
  const started = Date.now()
  const { stations, supervisors, dist, slack } = validate(input)
  const n = stations.length
  const K = supervisors.length
  const { min, max } = SUPERVISOR_STATIONS.value
  const empty = { assignment: {}, supervisors: [], totalDistanceM: null, minDistanceM: null }
  const keep = supervisors.map((k) => k.keep ?? 0)
  // Each supervisor's share of the input's stations: 5-8 in total with the stations it keeps.
  const lo = keep.map((k) => Math.max(0, min - k))
  const hi = keep.map((k) => max - k)
  const [needed, room] = [lo.reduce((a, b) => a + b, 0), hi.reduce((a, b) => a + Math.max(0, b), 0)]
  const over = supervisors.filter((_, j) => hi[j] < 0)
  const refuse = (code: string, numbers: Record<string, number>, zh: string, en: string): AssignSupervisorsResult => ({
    ...rejectedBeforeSolving(started),
    ...empty,
    explanations: [
      { rule: 'SUPERVISOR_STATIONS', source: SUPERVISOR_STATIONS.source, code, numbers, message: { zh: `${zh}：${SUPERVISOR_STATIONS.text.zh}`, en: `${en}: ${SUPERVISOR_STATIONS.text.en}` } },
    ],
  })
  if (over.length) {
    const k = supervisors.indexOf(over[0])
    return refuse(over[0].id, { keep: keep[k], max }, `督导${over[0].name ?? over[0].id}在范围外已有${keep[k]}个社工站，超过${max}个`, `supervisor ${over[0].name ?? over[0].id} already has ${keep[k]} stations outside the scope, more than ${max}`)
  }
  if (n < needed || n > room) {
    const kept = keep.reduce((a, b) => a + b, 0)
    if (n > room) {
      const numbers = { stations: n, supervisors: K, min, max, room }
      return kept
        ? refuse('supervisors', numbers, `${n}个社工站超过${K}名督导最多还能接的${room}个（另有${kept}个范围外的站）`, `${n} stations are more than the ${room} the ${K} supervisors can still take (besides the ${kept} stations they keep outside the scope)`)
        : refuse('supervisors', numbers, `${n}个社工站至少需要${Math.ceil(n / max)}名督导（每人最多${max}个站），但只有${K}名`, `${n} stations need at least ${Math.ceil(n / max)} supervisors (at most ${max} stations each), but there are ${K}`)
    }
    const numbers = { stations: n, supervisors: K, min, max, needed }
    return kept
      ? refuse('supervisors', numbers, `${K}名督导除范围外的${kept}个站外至少还需要${needed}个社工站，但只有${n}个`, `${K} supervisors need at least ${needed} more stations besides the ${kept} they keep outside the scope, but there are ${n}`)
      : refuse('supervisors', numbers, `${K}名督导至少需要${needed}个社工站（每人至少${min}个站），但只有${n}个`, `${K} supervisors need at least ${needed} stations (at least ${min} each), but there are ${n}`)
  }
  // Stage one: least total distance (transportation structure).
  const build = () => {
    const b = new ModelBuilder('min')
    const x: number[][] = stations.map((s, i) => supervisors.map((k, j) => b.addVar(`x_${i}_${j}`, { ub: 1, integer: true, cost: dist[i][j] / 1000 })))
    stations.forEach((_, i) => b.eq(`station_${i}`, x[i], x[i].map(() => 1), 1))
    supervisors.forEach((_, j) => {
      const col = x.map((row) => row[j])
      b.addRow(`load_${j}`, col, col.map(() => 1), lo[j], hi[j])
    })
    return { b, x }
  }
  const one = build()
  const first = await solveModel(one.b.build(), { backend: options.backend, lpRelaxation: true, timeLimitSec: options.timeLimitSec, cancel: options.cancel })
  if (!first.verified || !first.values) return { ...first, ...empty }
  const minKm = first.objective ?? 0
  // Stage two: the most even load within the distance slack.
  const two = build()
  const b = two.b
  const allX = two.x.flat()
  const km = stations.flatMap((_, i) => supervisors.map((_k, j) => dist[i][j] / 1000))
  b.le('distance', allX, km, minKm * (1 + slack) + 1e-6)
  // Even total loads: |stations here + kept − mean| summed over the supervisors.
  const mean = (n + keep.reduce((a, c) => a + c, 0)) / K
  supervisors.forEach((_, j) => {
    const dev = b.addVar(`dev_${j}`, { cost: 1 })
    const col = two.x.map((row) => row[j])
    b.ge(`devUp_${j}`, [dev, ...col], [1, ...col.map(() => -1)], keep[j] - mean)
    b.ge(`devDown_${j}`, [dev, ...col], [1, ...col.map(() => 1)], mean - keep[j])
  })
  // Tie-break by distance with a weight too small to trade one unit of load deviation.
  const tie = 0.5 / (minKm * (1 + slack) + 1)
  const model = b.build()
  const withTie = { ...model, variables: model.variables.map((v, idx) => (idx < allX.length ? { ...v, cost: v.cost * tie } : v)) }
  const left = options.timeLimitSec !== undefined ? Math.max(0.05, options.timeLimitSec - (Date.now() - started) / 1000) : undefined
  const second = await solveModel(withTie, { backend: options.backend, timeLimitSec: left, cancel: options.cancel })
  const use = second.verified && second.values ? { sol: second, x: two.x } : { sol: first, x: one.x }
  const values = use.sol.values as number[]
  const assignment: Record<string, string> = {}
  const per = supervisors.map((s) => ({ id: s.id, stations: [] as string[], distanceM: 0 }))
  stations.forEach((s, i) => {
    const j = supervisors.findIndex((_, jj) => values[use.x[i][jj]] > 0.5)
    assignment[s.id] = supervisors[j].id
    per[j].stations.push(s.id)
    per[j].distanceM += dist[i][j]
  })
  const total = per.reduce((a, p) => a + p.distanceM, 0)
  const broken = per.filter((p, j) => p.stations.length + keep[j] < min || p.stations.length + keep[j] > max)
  if (broken.length > 0 || Object.keys(assignment).length !== n) {
    return { ...use.sol, status: 'error', verified: false, objective: null, backendStatus: 'rule check failed', ...empty }
  }
  const { values: _v, ...meta } = use.sol
  return {
    ...meta,
    objective: use.sol === first ? (first.objective ?? 0) : (second.objective ?? 0),
    ms: Date.now() - started,
    assignment,
    supervisors: per,
    totalDistanceM: total,
    minDistanceM: minKm * 1000,
  }
}

function validate(input: AssignSupervisorsInput) {
  if (!input || !Array.isArray(input.stations) || input.stations.length === 0) throw new SolverInputError('stations must be a non-empty array', 'stations')
  if (!Array.isArray(input.supervisors) || input.supervisors.length === 0) throw new SolverInputError('supervisors must be a non-empty array', 'supervisors')
  const slack = input.distanceSlack ?? 0.05
  if (!(slack >= 0)) throw new SolverInputError('distanceSlack must be ≥ 0', 'distanceSlack')
  const ids = (xs: Array<{ id: string }>, f: string) => {
    xs.forEach((x, i) => {
      if (typeof x?.id !== 'string') throw new SolverInputError(`${f}[${i}].id must be a string`, `${f}[${i}].id`)
    })
    if (new Set(xs.map((x) => x.id)).size !== xs.length) throw new SolverInputError(`${f} ids must be unique`, f)
  }
  ids(input.stations, 'stations')
  ids(input.supervisors, 'supervisors')
  input.supervisors.forEach((k, j) => {
    if (k.keep !== undefined && !(Number.isInteger(k.keep) && k.keep >= 0)) throw new SolverInputError(`supervisors[${j}].keep must be a whole number ≥ 0`, `supervisors[${j}].keep`)
  })
  const dist = input.stations.map((s) =>
    input.supervisors.map((k) => {
      const d = distanceBetween(input.distancesM, { id: k.id, at: isLngLat(k.base) ? k.base : undefined }, { id: s.id, at: isLngLat(s.lnglat) ? s.lnglat : undefined })
      if (d === undefined) throw new SolverInputError(`no distance from supervisor ${k.id} to station ${s.id}: give distancesM or both coordinates`, 'distancesM')
      return d
    }),
  )
  return { stations: input.stations, supervisors: input.supervisors, dist, slack }
}
