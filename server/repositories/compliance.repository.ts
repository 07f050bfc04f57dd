/**
 * Supervision compliance records (migration 0019): station scores, inspections by the city
 * supervision group, training records; and the facts the compliance report reads. Every
 * query filters by the scope's LIKE pattern on the station's town code. Dates are read as
 * text (`to_char`), so no time zone moves a day.
 */
import type { Knex } from 'knex'
import { SUPERVISOR_IN_SCOPE, under } from './scope.js'
import { stationVisitHours } from './visits.repository.js'

export interface StationRef {
  id: string
  name: string
  townCode: string
  townName: string
  countyCode: string
  countyName: string
}

const STATION_COLUMNS = `s.id as "stationId", s.name as "stationName", s.town_code as "townCode"`

/** The stations of a scope with their town and county, by id. */
export async function stationsIn(knex: Knex, within: string): Promise<StationRef[]> {
  const { rows } = await knex.raw(
    `select s.id, s.name, s.town_code as "townCode", t.name as "townName", c.code as "countyCode", c.name as "countyName"
       from stations s join divisions t on t.code = s.town_code join divisions c on c.code = t.parent_code
      where s.town_code like ? order by s.id`,
    [under(within)],
  )
  return rows
}

/** A station of the scope, or null. */
export async function findStation(knex: Knex, id: string, scope: string): Promise<{ id: string; name: string; townCode: string } | null> {
  const row = await knex('stations').select('id', 'name', 'town_code as townCode').where({ id }).andWhereLike('town_code', under(scope)).first()
  return row ?? null
}

export interface ScoreRow {
  id: string
  stationId: string
  stationName: string
  townCode: string
  quarter: string
  score: number
  inspector: string
  date: string
  recordedBy: string
  recordedAt: string
}

const SCORE_SELECT = `select r.id::text as id, ${STATION_COLUMNS}, r.quarter, r.score::float8 as score, r.inspector, to_char(r.scored_on, 'YYYY-MM-DD') as date,
         r.recorded_by as "recordedBy", to_char(r.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "recordedAt"
    from station_scores r join stations s on s.id = r.station_id`

/** Scores of the scope's stations, of the given quarters (all when absent), by station then quarter. */
export async function scoresIn(knex: Knex, within: string, quarters?: string[]): Promise<ScoreRow[]> {
  const filter = quarters ? `and r.quarter = any(?::text[])` : ''
  const { rows } = await knex.raw(`${SCORE_SELECT} where s.town_code like ? ${filter} order by s.id, r.quarter`, quarters ? [under(within), quarters] : [under(within)])
  return rows
}

/** Each station's latest score before `quarter` (for the inspection plan). */
export async function latestScoresBefore(knex: Knex, within: string, quarter: string): Promise<Map<string, { quarter: string; score: number }>> {
  const { rows } = await knex.raw(
    `select distinct on (r.station_id) r.station_id as "stationId", r.quarter, r.score::float8 as score
       from station_scores r join stations s on s.id = r.station_id
      where s.town_code like ? and r.quarter < ?
      order by r.station_id, r.quarter desc`,
    [under(within), quarter],
  )
  return new Map(rows.map((r: { stationId: string; quarter: string; score: number }) => [r.stationId, { quarter: r.quarter, score: r.score }]))
}

export async function insertScore(
  trx: Knex,
  row: { stationId: string; quarter: string; score: number; inspector: string; date: string; recordedBy: string },
): Promise<ScoreRow | null> {
  const { rows } = await trx.raw(
    `insert into station_scores (station_id, quarter, score, inspector, scored_on, recorded_by) values (?, ?, ?, ?, ?::date, ?)
     on conflict (station_id, quarter) do nothing returning id::text as id`,
    [row.stationId, row.quarter, row.score, row.inspector, row.date, row.recordedBy],
  )
  if (!rows.length) return null
  return (await trx.raw(`${SCORE_SELECT} where r.id = ?::uuid`, [rows[0].id])).rows[0]
}

export interface InspectionRow {
  id: string
  stationId: string
  stationName: string
  townCode: string
  quarter: string
  date: string
  inspector: string
  findings: string
  recordedBy: string
  recordedAt: string
}

const INSPECTION_SELECT = `select r.id::text as id, ${STATION_COLUMNS}, r.quarter, to_char(r.inspected_on, 'YYYY-MM-DD') as date, r.inspector, r.findings,
         r.recorded_by as "recordedBy", to_char(r.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "recordedAt"
    from station_inspections r join stations s on s.id = r.station_id`

/** Inspections of the scope's stations in the given quarters (all when absent), newest first. */
export async function inspectionsIn(knex: Knex, within: string, quarters?: string[]): Promise<InspectionRow[]> {
  const filter = quarters ? `and r.quarter = any(?::text[])` : ''
  const { rows } = await knex.raw(`${INSPECTION_SELECT} where s.town_code like ? ${filter} order by r.inspected_on desc, s.id, r.id`, quarters ? [under(within), quarters] : [under(within)])
  return rows
}

export async function insertInspection(
  trx: Knex,
  row: { stationId: string; date: string; quarter: string; inspector: string; findings: string; recordedBy: string },
): Promise<InspectionRow> {
  const { rows } = await trx.raw(
    `insert into station_inspections (station_id, inspected_on, quarter, inspector, findings, recorded_by) values (?, ?::date, ?, ?, ?, ?) returning id::text as id`,
    [row.stationId, row.date, row.quarter, row.inspector, row.findings, row.recordedBy],
  )
  return (await trx.raw(`${INSPECTION_SELECT} where r.id = ?::uuid`, [rows[0].id])).rows[0]
}

export interface TrainingRow {
  id: string
  workerId: string
  workerName: string
  stationId: string
  townCode: string
  date: string
  kind: 'prejob' | 'professional'
  hours: number
  course: string
  recordedBy: string
  recordedAt: string
}

const TRAINING_SELECT = `select r.id::text as id, w.id as "workerId", w.name as "workerName", s.id as "stationId", s.town_code as "townCode",
         to_char(r.trained_on, 'YYYY-MM-DD') as date, r.kind, r.hours::float8 as hours, r.course,
         r.recorded_by as "recordedBy", to_char(r.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "recordedAt"
    from training_records r join workers w on w.id = r.worker_id join stations s on s.id = w.station_id`

/** Training records of the scope's workers, of a calendar year (all when absent), newest first. */
export async function trainingIn(knex: Knex, within: string, year?: number): Promise<TrainingRow[]> {
  const filter = year ? `and r.trained_on >= ?::date and r.trained_on < ?::date` : ''
  const bindings = year ? [under(within), `${year}-01-01`, `${year + 1}-01-01`] : [under(within)]
  const { rows } = await knex.raw(`${TRAINING_SELECT} where s.town_code like ? ${filter} order by r.trained_on desc, w.id, r.id`, bindings)
  return rows
}

export async function insertTraining(
  trx: Knex,
  row: { workerId: string; date: string; kind: string; hours: number; course: string; recordedBy: string },
): Promise<TrainingRow> {
  const { rows } = await trx.raw(
    `insert into training_records (worker_id, trained_on, kind, hours, course, recorded_by) values (?, ?::date, ?, ?, ?, ?) returning id::text as id`,
    [row.workerId, row.date, row.kind, row.hours, row.course, row.recordedBy],
  )
  return (await trx.raw(`${TRAINING_SELECT} where r.id = ?::uuid`, [rows[0].id])).rows[0]
}

export const RECORD_TABLES = { score: 'station_scores', inspection: 'station_inspections', training: 'training_records' } as const
export type RecordKind = keyof typeof RECORD_TABLES

/**
 * Deletes a record of the scope; answers what it was (for the audit), or null when no such
 * record lies in the scope.
 */
export async function deleteRecord(trx: Knex, kind: RecordKind, id: string, scope: string): Promise<Record<string, unknown> | null> {
  const owner =
    kind === 'training'
      ? `exists (select 1 from workers w join stations s on s.id = w.station_id where w.id = r.worker_id and s.town_code like ?)`
      : `exists (select 1 from stations s where s.id = r.station_id and s.town_code like ?)`
  const { rows } = await trx.raw(`delete from ${RECORD_TABLES[kind]} r where r.id = ?::uuid and ${owner} returning to_jsonb(r) as row`, [id, under(scope)])
  return rows[0]?.row ?? null
}

/** Per worker of the scope: pre-job hours up to the end of `year`, professional hours within it. */
export async function trainingTotals(
  knex: Knex,
  within: string,
  year: number,
): Promise<Array<{ workerId: string; workerName: string; stationId: string; stationName: string; townCode: string; hiredOn: string | null; preJobHours: number; professionalHours: number }>> {
  const until = `${year + 1}-01-01`
  const { rows } = await knex.raw(
    `select w.id as "workerId", w.name as "workerName", s.id as "stationId", s.name as "stationName", s.town_code as "townCode",
            to_char(w.hired_on, 'YYYY-MM-DD') as "hiredOn",
            coalesce(sum(r.hours) filter (where r.kind = 'prejob' and r.trained_on < ?::date), 0)::float8 as "preJobHours",
            coalesce(sum(r.hours) filter (where r.kind = 'professional' and r.trained_on >= ?::date and r.trained_on < ?::date), 0)::float8 as "professionalHours"
       from workers w join stations s on s.id = w.station_id left join training_records r on r.worker_id = w.id
      where s.town_code like ?
      group by w.id, w.name, s.id, s.name, s.town_code, w.hired_on
      order by w.id`,
    [until, `${year}-01-01`, until, under(within)],
  )
  return rows
}

/** Supervisors based in the scope or covering one of its stations, with all their stations (wherever they lie). */
export async function supervisorLoads(knex: Knex, within: string): Promise<Array<{ id: string; name: string; countyCode: string; stations: number }>> {
  const like = under(within)
  const { rows } = await knex.raw(
    `select v.id, v.name, v.county_code as "countyCode", (select count(*) from supervisor_stations ss where ss.supervisor_id = v.id)::int as stations
       from supervisors v where ${SUPERVISOR_IN_SCOPE} order by v.id`,
    [like, like],
  )
  return rows
}

/** Hours of the longest visit recorded as done per station of the scope in `month` (`YYYY-MM`; the visit records of visits.repository.ts). */
export async function longestVisitHours(knex: Knex, within: string, month: string): Promise<Map<string, number>> {
  return new Map((await stationVisitHours(knex, within, month)).map((r) => [r.stationId, r.longestVisitHours]))
}
/** Inserts a whole history (the demo's), in batches, recorded by `recordedBy` at `recordedAt` (so the rows are deterministic). */
export async function insertHistory(
  knex: Knex,
  history: {
    scores: Array<{ stationId: string; quarter: string; score: number; inspector: string; date: string }>
    inspections: Array<{ stationId: string; date: string; quarter: string; inspector: string; findings: string }>
    training: Array<{ workerId: string; date: string; kind: string; hours: number; course: string }>
  },
  recordedBy: string,
  recordedAt: string,
): Promise<void> {
  const meta = { recorded_by: recordedBy, recorded_at: recordedAt }
  const batches: [string, Record<string, unknown>[]][] = [
    ['station_scores', history.scores.map((r) => ({ station_id: r.stationId, quarter: r.quarter, score: r.score, inspector: r.inspector, scored_on: r.date, ...meta }))],
    ['station_inspections', history.inspections.map((r) => ({ station_id: r.stationId, inspected_on: r.date, quarter: r.quarter, inspector: r.inspector, findings: r.findings, ...meta }))],
    ['training_records', history.training.map((r) => ({ worker_id: r.workerId, trained_on: r.date, kind: r.kind, hours: r.hours, course: r.course, ...meta }))],
  ]
  await knex.transaction(async (trx) => {
    for (const [table, rows] of batches) for (let i = 0; i < rows.length; i += 500) await trx(table).insert(rows.slice(i, i + 500))
  })
}
