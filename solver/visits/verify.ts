/**
 * Independent check of a visit plan against its input, in plain TypeScript: it shares no
 * code with the dynamic programme (only the distance of one leg, which defines the model),
 * works on the dates themselves and accepts any number of visits per station.
 */
import type { LngLat } from '../geo.js'
import { DEFAULT_DETOUR_FACTOR, SUPERVISION_VISITS } from '../policy.js'
import { legMetres, type PlanVisitsInput } from './problem.js'

/** One visit of a plan: consecutive working days at one station. */
export interface Visit {
  stationId: string
  dates: string[]
  hours: number
}

/** One trip of the route: from base or station to station or base, on a date. */
export interface Leg {
  fromId: string
  toId: string
  from: LngLat
  to: LngLat
  date: string
  km: number
}

/** Outcome of `verifyVisitPlan`. */
export interface VisitVerification {
  ok: boolean
  violations: string[]
  /** The route recomputed from the visits by the travel model. */
  legs: Leg[]
  totalMetres: number
  /** Σ over visits in date order of |centre − ideal centre|, in working days (see README). */
  spreadDays: number
}

/** The id standing for the supervisor's base in legs. */
export const BASE_ID = 'base'

/** Checks every rule of the visit plan and recomputes its route and km. */
export function verifyVisitPlan(input: PlanVisitsInput, plan: { visits: Visit[]; totalKm?: number | null }): VisitVerification {
  const violations: string[] = []
  const hoursPerDay = input.hoursPerDay ?? SUPERVISION_VISITS.value.defaultHoursPerDay
  const detour = input.detourFactor ?? DEFAULT_DETOUR_FACTOR
  const working = [...input.workingDays].sort()
  const position = new Map(working.map((d, i) => [d, i]))
  const unavailable = new Set(input.unavailable ?? [])
  const where = new Map<string, LngLat>(input.stations.map((s) => [s.id, s.lnglat]))
  const used = new Map<string, string>()
  const longEnough = new Set<string>()
  for (const v of plan.visits) {
    if (!where.has(v.stationId)) violations.push(`visit to unknown station ${v.stationId}`)
    if (v.dates.length === 0) violations.push(`visit to ${v.stationId} has no dates`)
    v.dates.forEach((d, i) => {
      const at = position.get(d)
      if (at === undefined) violations.push(`${v.stationId} on ${d}: not a working day of ${input.month}`)
      else if (i > 0 && at !== position.get(v.dates[i - 1])! + 1) violations.push(`${v.stationId}: ${v.dates[i - 1]} and ${d} are not consecutive working days`)
      if (unavailable.has(d)) violations.push(`${v.stationId} on ${d}: the supervisor is unavailable`)
      if (input.blocked?.[v.stationId]?.includes(d)) violations.push(`${v.stationId} on ${d}: blocked for the station`)
      if (used.has(d)) violations.push(`${d}: two stations (${used.get(d)}, ${v.stationId})`)
      used.set(d, v.stationId)
    })
    if (v.hours !== v.dates.length * hoursPerDay) violations.push(`${v.stationId}: ${v.hours} h reported for ${v.dates.length} days of ${hoursPerDay} h`)
    if (v.dates.length * hoursPerDay >= SUPERVISION_VISITS.value.hoursPerVisit) longEnough.add(v.stationId)
  }
  for (const s of input.stations) {
    if (!longEnough.has(s.id)) violations.push(`${s.id}: no visit of at least ${SUPERVISION_VISITS.value.hoursPerVisit} h`)
    for (const d of input.fixed?.[s.id] ?? []) if (used.get(d) !== s.id) violations.push(`${s.id}: fixed date ${d} not kept`)
  }
  // The travel model: out from the base on a visit's first day; straight on to the next visit
  // when it starts on the next working day, else back to the base on the visit's last day.
  const ordered = plan.visits.filter((v) => v.dates.length > 0 && where.has(v.stationId)).sort((a, b) => (a.dates[0] < b.dates[0] ? -1 : 1))
  const legs: Leg[] = []
  const leg = (fromId: string, from: LngLat, toId: string, to: LngLat, date: string) => {
    const metres = legMetres(from, to, detour)
    legs.push({ fromId, toId, from, to, date, km: metres / 1000 })
    return metres
  }
  let metres = 0
  ordered.forEach((v, k) => {
    const prev = ordered[k - 1]
    const chained = prev && position.get(v.dates[0]) === position.get(prev.dates[prev.dates.length - 1])! + 1
    if (!chained) metres += leg(BASE_ID, input.base, v.stationId, where.get(v.stationId)!, v.dates[0])
    else metres += leg(prev.stationId, where.get(prev.stationId)!, v.stationId, where.get(v.stationId)!, v.dates[0])
    const next = ordered[k + 1]
    const last = v.dates[v.dates.length - 1]
    if (!next || position.get(next.dates[0]) !== position.get(last)! + 1) metres += leg(v.stationId, where.get(v.stationId)!, BASE_ID, input.base, last)
  })
  if (plan.totalKm !== undefined && plan.totalKm !== null && Math.abs(plan.totalKm - metres / 1000) > 1e-9) {
    violations.push(`total ${plan.totalKm} km reported, ${metres / 1000} km recomputed`)
  }
  // Spread: the k-th of n visits ideally centred at (k + ½)·m/n working days into the month.
  const m = working.length
  const n = ordered.length
  let spread = 0
  ordered.forEach((v, k) => {
    const centre = position.get(v.dates[0])! + v.dates.length / 2
    spread += Math.abs(centre - ((k + 0.5) * m) / n)
  })
  return { ok: violations.length === 0, violations, legs, totalMetres: metres, spreadDays: spread }
}
