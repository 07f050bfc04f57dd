/**
 * The visit-plan problem's input, checked and normalised: working days as indices
 * 0..m−1 of the month's working-day sequence, every rule as a per-day table.
 */
import { haversineMetres, isLngLat, type LngLat } from '../geo.js'
import { DEFAULT_DETOUR_FACTOR, SUPERVISION_VISITS } from '../policy.js'
import { SolverInputError } from '../types.js'
import { isIsoDate, isIsoMonth } from './month.js'

/** Most stations the exact dynamic programme accepts (2^n subsets; a supervisor has 5-8). */
export const MAX_VISIT_STATIONS = 12

/** Input of `planVisits`: one supervisor, one month. */
export interface PlanVisitsInput {
  /** The month, `YYYY-MM`. */
  month: string
  /** The supervisor's base, [lng, lat]. */
  base: LngLat
  stations: Array<{ id: string; name?: string; lnglat: LngLat }>
  /** The month's working days (`YYYY-MM-DD`, from the calendar: holidays out, adjusted working days in). */
  workingDays: string[]
  /** Whether the calendar of that year is the State Council's (`official`) or Monday-Friday (`unpublished`). */
  calendar?: { status: 'official' | 'unpublished'; source?: string }
  /** Working hours a visit day counts (default SUPERVISION_VISITS.defaultHoursPerDay = 8). */
  hoursPerDay?: number
  /** Dates the supervisor cannot visit. */
  unavailable?: string[]
  /** Dates a station cannot be visited: `{ stationId: dates }`. */
  blocked?: Record<string, string[]>
  /** Dates a station must be visited on (kept as given): `{ stationId: dates }`. */
  fixed?: Record<string, string[]>
  /** Road distance = haversine × detourFactor (default 1.3, DEFAULT_DETOUR_FACTOR). */
  detourFactor?: number
}

/** A fixed date that no plan can keep, found while normalising. */
export interface FixedDateProblem {
  station: number
  date: string
  why: 'not-working-day' | 'unavailable' | 'blocked' | 'taken'
  /** For `taken`: the other station fixed on that date. */
  other?: number
}

/** The normalised problem. Station index n stands for the base in `distM`. */
export interface VisitProblem {
  month: string
  days: string[]
  /** Working days per visit: ceil(hoursPerVisit / hoursPerDay). */
  daysPerVisit: number
  hoursPerDay: number
  stations: Array<{ id: string; name?: string; lnglat: LngLat }>
  base: LngLat
  detourFactor: number
  unavailable: boolean[]
  /** blocked[station][day] */
  blocked: boolean[][]
  /** The station fixed on each working day, or −1. */
  fixedOwner: number[]
  /** Working-day indices fixed per station. */
  fixedDays: number[][]
  fixedProblems: FixedDateProblem[]
  /** Road metres (integers) between places; index n is the base. */
  distM: number[][]
  calendarStatus: 'official' | 'unpublished'
  calendarSource?: string
}

/** Road metres of one leg: haversine × detour factor, rounded to whole metres (the plan's unit). */
export function legMetres(a: LngLat, b: LngLat, detourFactor: number): number {
  return Math.round(haversineMetres(a, b) * detourFactor)
}

/** Working days per visit for a day length: ceil(16 / hoursPerDay). */
export function daysPerVisit(hoursPerDay: number): number {
  return Math.ceil(SUPERVISION_VISITS.value.hoursPerVisit / hoursPerDay - 1e-9)
}

function dates(value: unknown, field: string, month: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new SolverInputError(`${field} must be an array of YYYY-MM-DD dates`, field)
  value.forEach((d, i) => {
    if (!isIsoDate(d)) throw new SolverInputError(`${field}[${i}] must be a date YYYY-MM-DD`, `${field}[${i}]`)
    if (!d.startsWith(`${month}-`)) throw new SolverInputError(`${field}[${i}] ${d} is not in ${month}`, `${field}[${i}]`)
  })
  return value as string[]
}

function perStation(value: unknown, field: string, ids: Map<string, number>, month: string): Map<number, string[]> {
  const out = new Map<number, string[]>()
  if (value === undefined) return out
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SolverInputError(`${field} must be an object { stationId: dates }`, field)
  for (const [id, list] of Object.entries(value)) {
    const j = ids.get(id)
    if (j === undefined) throw new SolverInputError(`${field}: ${id} is not one of the stations`, `${field}.${id}`)
    out.set(j, dates(list, `${field}.${id}`, month))
  }
  return out
}

/** Checks the input (SolverInputError naming the field) and builds the day tables. */
export function normaliseVisitInput(input: PlanVisitsInput): VisitProblem {
  if (!input || typeof input !== 'object') throw new SolverInputError('input must be an object', 'input')
  const { month } = input
  if (!isIsoMonth(month)) throw new SolverInputError('month must be YYYY-MM', 'month')
  if (!isLngLat(input.base)) throw new SolverInputError('base must be [lng, lat]', 'base')
  if (!Array.isArray(input.stations) || input.stations.length === 0) throw new SolverInputError('stations must be a non-empty array', 'stations')
  if (input.stations.length > MAX_VISIT_STATIONS) throw new SolverInputError(`at most ${MAX_VISIT_STATIONS} stations per supervisor and month`, 'stations')
  const ids = new Map<string, number>()
  input.stations.forEach((s, i) => {
    if (typeof s?.id !== 'string' || !s.id) throw new SolverInputError(`stations[${i}].id must be a string`, `stations[${i}].id`)
    if (ids.has(s.id)) throw new SolverInputError(`stations[${i}].id ${s.id} is repeated`, `stations[${i}].id`)
    if (!isLngLat(s.lnglat)) throw new SolverInputError(`stations[${i}].lnglat must be [lng, lat]`, `stations[${i}].lnglat`)
    ids.set(s.id, i)
  })
  if (input.workingDays === undefined) throw new SolverInputError('workingDays is required', 'workingDays')
  const days = dates(input.workingDays, 'workingDays', month)
  days.forEach((d, i) => {
    if (i > 0 && d <= days[i - 1]) throw new SolverInputError('workingDays must be ascending without repeats', `workingDays[${i}]`)
  })
  const hoursPerDay = input.hoursPerDay ?? SUPERVISION_VISITS.value.defaultHoursPerDay
  if (typeof hoursPerDay !== 'number' || !(hoursPerDay > 0 && hoursPerDay <= 24)) throw new SolverInputError('hoursPerDay must be in (0, 24]', 'hoursPerDay')
  const detourFactor = input.detourFactor ?? DEFAULT_DETOUR_FACTOR
  if (typeof detourFactor !== 'number' || !(detourFactor >= 1 && detourFactor <= 5)) throw new SolverInputError('detourFactor must be in [1, 5]', 'detourFactor')
  const status = input.calendar?.status ?? 'official'
  if (status !== 'official' && status !== 'unpublished') throw new SolverInputError('calendar.status must be official or unpublished', 'calendar.status')

  const index = new Map(days.map((d, i) => [d, i]))
  const m = days.length
  const unavailable = new Array<boolean>(m).fill(false)
  for (const d of dates(input.unavailable, 'unavailable', month)) if (index.has(d)) unavailable[index.get(d)!] = true
  const blocked = input.stations.map(() => new Array<boolean>(m).fill(false))
  for (const [j, list] of perStation(input.blocked, 'blocked', ids, month)) for (const d of list) if (index.has(d)) blocked[j][index.get(d)!] = true
  const fixedOwner = new Array<number>(m).fill(-1)
  const fixedDays: number[][] = input.stations.map(() => [])
  const fixedProblems: FixedDateProblem[] = []
  for (const [j, list] of perStation(input.fixed, 'fixed', ids, month)) {
    for (const d of [...new Set(list)].sort()) {
      const i = index.get(d)
      if (i === undefined) fixedProblems.push({ station: j, date: d, why: 'not-working-day' })
      else if (unavailable[i]) fixedProblems.push({ station: j, date: d, why: 'unavailable' })
      else if (blocked[j][i]) fixedProblems.push({ station: j, date: d, why: 'blocked' })
      else if (fixedOwner[i] !== -1) fixedProblems.push({ station: j, date: d, why: 'taken', other: fixedOwner[i] })
      else {
        fixedOwner[i] = j
        fixedDays[j].push(i)
      }
    }
  }
  const places = [...input.stations.map((s) => s.lnglat), input.base]
  const distM = places.map((a) => places.map((b) => legMetres(a, b, detourFactor)))
  return {
    month,
    days,
    daysPerVisit: daysPerVisit(hoursPerDay),
    hoursPerDay,
    stations: input.stations,
    base: input.base,
    detourFactor,
    unavailable,
    blocked,
    fixedOwner,
    fixedDays,
    fixedProblems,
    distM,
    calendarStatus: status,
    calendarSource: input.calendar?.source,
  }
}
