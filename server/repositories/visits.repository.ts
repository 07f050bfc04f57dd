/**
 * Visits: what a published visit plan announced, one row per station visit of a month,
 * recorded by the supervisor as done (hours) or missed (reason). Scope is in each query.
 */
import type { Knex } from 'knex'
import { under } from './scope.js'
import { supervisorVisibleTo, type VisitViewer } from './visit-plans.repository.js'

export type VisitStatus = 'planned' | 'done' | 'missed'

export interface VisitRow {
  id: string
  supervisorId: string
  supervisorName: string
  stationId: string
  stationName: string
  townCode: string
  townName: string
  countyName: string | null
  lnglat: [number, number]
  month: string
  dates: string[]
  hours: number
  theme: string | null
  planId: string | null
  sequence: number
  status: VisitStatus
  hoursDone: number | null
  notes: string | null
  recordedBy: string | null
  recordedAt: string | null
}

const COLUMNS = `x.id, x.supervisor_id as "supervisorId", v.name as "supervisorName", x.station_id as "stationId", s.name as "stationName",
  s.town_code as "townCode", t.name as "townName", c.name as "countyName", ST_X(s.geom) as lng, ST_Y(s.geom) as lat, x.month, x.dates,
  x.hours, x.theme, x.plan_id as "planId", x.sequence, x.status, x.hours_done as "hoursDone", x.notes, x.recorded_by as "recordedBy",
  x.recorded_at as "recordedAt"`
const FROM = `visits x join supervisors v on v.id = x.supervisor_id join stations s on s.id = x.station_id
  join divisions t on t.code = s.town_code left join divisions c on c.code = t.parent_code`
const ORDER = `order by x.dates->>0, x.station_id, x.id`

function toRow(r: Record<string, unknown>): VisitRow {
  const { lng, lat, ...rest } = r
  return {
    ...(rest as unknown as VisitRow),
    lnglat: [Number(lng), Number(lat)],
    dates: typeof r.dates === 'string' ? JSON.parse(r.dates) : (r.dates as string[]),
    hours: Number(r.hours),
    hoursDone: r.hoursDone === null ? null : Number(r.hoursDone),
    recordedAt: r.recordedAt ? new Date(r.recordedAt as string).toISOString() : null,
  }
}

/** Visits of a month at stations within `within` that the viewer may see, by first date. */
export async function listVisits(knex: Knex, viewer: VisitViewer, within: string, month: string): Promise<VisitRow[]> {
  const visible = supervisorVisibleTo(viewer)
  const { rows } = await knex.raw(`select ${COLUMNS} from ${FROM} where s.town_code like ? and x.month = ? and ${visible.sql} ${ORDER}`, [under(within), month, ...visible.bindings])
  return rows.map(toRow)
}

/** A visit the viewer may see (any when null), or null. */
export async function findVisit(knex: Knex, id: string, viewer: VisitViewer | null, opts: { forUpdate?: boolean } = {}): Promise<VisitRow | null> {
  const visible = viewer ? supervisorVisibleTo(viewer) : { sql: 'true', bindings: [] }
  const { rows } = await knex.raw(`select ${COLUMNS} from ${FROM} where x.id = ? and ${visible.sql} ${opts.forUpdate ? 'for update of x' : ''}`, [id, ...visible.bindings])
  return rows.length ? toRow(rows[0]) : null
}

/** Every visit of a supervisor in a month (or, with `fromMonth`, from that month on), by first date. */
export async function supervisorVisits(knex: Knex, supervisorId: string, months: { month: string } | { fromMonth: string }): Promise<VisitRow[]> {
  const cond = 'month' in months ? 'x.month = ?' : 'x.month >= ?'
  const { rows } = await knex.raw(`select ${COLUMNS} from ${FROM} where x.supervisor_id = ? and ${cond} ${ORDER}`, [supervisorId, 'month' in months ? months.month : months.fromMonth])
  return rows.map(toRow)
}

/** Deletes the supervisor's visits of the month not recorded yet (a new publication replaces them). */
export async function deletePlannedVisits(trx: Knex, supervisorId: string, month: string): Promise<number> {
  return trx('visits').where({ supervisor_id: supervisorId, month, status: 'planned' }).del()
}

/** A visit to write: the plan's fields; a kept record (seeded history) also its status and record. */
export type NewVisit = Pick<VisitRow, 'id' | 'supervisorId' | 'stationId' | 'month' | 'dates' | 'hours' | 'theme' | 'planId' | 'sequence'> &
  Partial<Pick<VisitRow, 'status' | 'hoursDone' | 'notes' | 'recordedBy' | 'recordedAt'>>

export async function insertVisits(trx: Knex, visits: NewVisit[]): Promise<void> {
  if (!visits.length) return
  await trx('visits').insert(
    visits.map((v) => ({
      id: v.id,
      supervisor_id: v.supervisorId,
      station_id: v.stationId,
      month: v.month,
      dates: JSON.stringify(v.dates),
      hours: v.hours,
      theme: v.theme,
      plan_id: v.planId,
      sequence: v.sequence,
      status: v.status ?? 'planned',
      hours_done: v.hoursDone ?? null,
      notes: v.notes ?? null,
      recorded_by: v.recordedBy ?? null,
      recorded_at: v.recordedAt ?? null,
    })),
  )
}

/** Records a visit as done (hours) or missed (reason in notes). */
export async function recordVisit(trx: Knex, id: string, r: { status: 'done' | 'missed'; hoursDone: number | null; notes: string | null; recordedBy: string }): Promise<void> {
  await trx('visits').where({ id }).update({ status: r.status, hours_done: r.hoursDone, notes: r.notes, recorded_by: r.recordedBy, recorded_at: trx.fn.now() })
}

/** Hours done at one station in a month, for compliance reports (see `stationVisitHours`). */
export interface StationVisitHours {
  stationId: string
  stationName: string
  townCode: string
  /** The station's supervisor today (null: none). */
  supervisorId: string | null
  /** Visits of the month at the station, any status. */
  visits: number
  /** Visits recorded done / missed; the rest are still planned. */
  done: number
  missed: number
  /** Σ hours of the visits recorded done. */
  hoursDone: number
  /** Hours of the longest visit recorded done (0: none); the rule wants one of ≥ 16 h (SUPERVISION_VISITS). */
  longestVisitHours: number
}

/**
 * Every station within the division (those without a visit too, with zeros) and the visits
 * of `month` (`YYYY-MM`) at it: how many, done, missed, the hours done and the longest visit
 * done. The repository function a compliance report calls: `within` is a division code the
 * caller has scope-checked; stations by id.
 */
export async function stationVisitHours(knex: Knex, within: string, month: string): Promise<StationVisitHours[]> {
  const { rows } = await knex.raw(
    `select s.id as "stationId", s.name as "stationName", s.town_code as "townCode", ss.supervisor_id as "supervisorId",
            count(x.id)::int as visits,
            count(x.id) filter (where x.status = 'done')::int as done,
            count(x.id) filter (where x.status = 'missed')::int as missed,
            coalesce(sum(x.hours_done) filter (where x.status = 'done'), 0)::float8 as "hoursDone",
            coalesce(max(x.hours_done) filter (where x.status = 'done'), 0)::float8 as "longestVisitHours"
       from stations s
       left join supervisor_stations ss on ss.station_id = s.id
       left join visits x on x.station_id = s.id and x.month = ?
      where s.town_code like ?
      group by s.id, s.name, s.town_code, ss.supervisor_id
      order by s.id`,
    [month, under(within)],
  )
  return rows.map((r: StationVisitHours) => ({ ...r, hoursDone: Number(r.hoursDone), longestVisitHours: Number(r.longestVisitHours) }))
}
