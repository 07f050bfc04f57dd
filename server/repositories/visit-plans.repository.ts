/**
 * Visit plans (a supervisor's month: draft → published) and the calendar subscription
 * tokens. Who may see a plan is decided in the query: a supervisor user its own supervisor's
 * plans only, anyone else the plans of supervisors based in or covering its scope.
 */
import type { Knex } from 'knex'
import type { PlanVisitsInput } from '../../solver/index.js'
import { SUPERVISOR_IN_SCOPE, under } from './scope.js'

/** Who reads: the scope, and for a supervisor user the one supervisor it stands for. */
export interface VisitViewer {
  scope: string
  /** Set for a supervisor user: it sees that supervisor's plans and visits alone. */
  ownSupervisorId: string | null
}

/** SQL condition (on the supervisors alias `v`) that the viewer may see the supervisor, with its bindings. */
export function supervisorVisibleTo(viewer: VisitViewer): { sql: string; bindings: string[] } {
  if (viewer.ownSupervisorId !== null) return { sql: 'v.id = ?', bindings: [viewer.ownSupervisorId] }
  return { sql: SUPERVISOR_IN_SCOPE, bindings: [under(viewer.scope), under(viewer.scope)] }
}

export type VisitPlanStatus = 'computing' | 'draft' | 'failed' | 'published' | 'superseded' | 'discarded' | 'cancelled'

/** One visit of a plan as stored: the solver's visit with the theme the supervisor gives it. */
export interface PlannedVisit {
  stationId: string
  dates: string[]
  hours: number
  theme: string | null
}

export interface StoredLeg {
  fromId: string
  toId: string
  from: [number, number]
  to: [number, number]
  date: string
  km: number
}

export interface VisitPlanRow {
  id: string
  supervisorId: string
  supervisorName: string
  supervisorCounty: string
  month: string
  status: VisitPlanStatus
  params: Record<string, unknown>
  calendarStatus: 'official' | 'unpublished' | null
  calendarSource: string | null
  warnings: Array<{ zh: string; en: string }>
  input: PlanVisitsInput | null
  result: Record<string, unknown> | null
  visits: PlannedVisit[] | null
  legs: StoredLeg[] | null
  totalKm: number | null
  error: string | null
  createdBy: string
  createdAt: string
  publishedAt: string | null
  publishedBy: string | null
  late: boolean | null
  sequence: number | null
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T

const COLUMNS = `p.id, p.supervisor_id as "supervisorId", v.name as "supervisorName", v.county_code as "supervisorCounty", p.month, p.status,
  p.params, p.calendar_status as "calendarStatus", p.calendar_source as "calendarSource", p.warnings, p.input, p.result, p.visits, p.legs,
  p.total_km as "totalKm", p.error, p.created_by as "createdBy", p.created_at as "createdAt", p.published_at as "publishedAt",
  p.published_by as "publishedBy", p.late, p.sequence`

function toRow(r: Record<string, unknown>): VisitPlanRow {
  const iso = (d: unknown) => (d === null || d === undefined ? null : new Date(d as string).toISOString())
  return {
    ...(r as unknown as VisitPlanRow),
    params: json(r.params) ?? {},
    warnings: json(r.warnings) ?? [],
    input: json(r.input),
    result: json(r.result),
    visits: json(r.visits),
    legs: json(r.legs),
    totalKm: r.totalKm === null ? null : Number(r.totalKm),
    createdAt: iso(r.createdAt)!,
    publishedAt: iso(r.publishedAt),
  }
}

export async function insertVisitPlan(knex: Knex, p: { id: string; supervisorId: string; month: string; params: Record<string, unknown>; createdBy: string; createdAt?: string }): Promise<void> {
  await knex('visit_plans').insert({
    id: p.id,
    supervisor_id: p.supervisorId,
    month: p.month,
    status: 'computing',
    params: JSON.stringify(p.params),
    created_by: p.createdBy,
    ...(p.createdAt ? { created_at: p.createdAt } : {}),
  })
}

/** A visit plan the viewer may see (any when `viewer` is null: a job), or null. */
export async function findVisitPlan(knex: Knex, id: string, viewer: VisitViewer | null, opts: { forUpdate?: boolean } = {}): Promise<VisitPlanRow | null> {
  const visible = viewer ? supervisorVisibleTo(viewer) : { sql: 'true', bindings: [] }
  const { rows } = await knex.raw(
    `select ${COLUMNS} from visit_plans p join supervisors v on v.id = p.supervisor_id
      where p.id = ? and ${visible.sql} ${opts.forUpdate ? 'for update of p' : ''}`,
    [id, ...visible.bindings],
  )
  return rows.length ? toRow(rows[0]) : null
}

/** The viewer's visit plans, newest first, optionally of one supervisor and month (without input and legs). */
export async function listVisitPlans(knex: Knex, viewer: VisitViewer, filter: { supervisorId?: string; month?: string }): Promise<VisitPlanRow[]> {
  const visible = supervisorVisibleTo(viewer)
  const where: string[] = [visible.sql]
  const bindings: string[] = [...visible.bindings]
  if (filter.supervisorId) {
    where.push('p.supervisor_id = ?')
    bindings.push(filter.supervisorId)
  }
  if (filter.month) {
    where.push('p.month = ?')
    bindings.push(filter.month)
  }
  const { rows } = await knex.raw(
    `select ${COLUMNS.replace('p.input, ', '').replace('p.legs,', '')}, null as input, null as legs
       from visit_plans p join supervisors v on v.id = p.supervisor_id
      where ${where.join(' and ')} order by p.created_at desc, p.id limit 200`,
    bindings,
  )
  return rows.map(toRow)
}

/** What a finished computation writes; only a plan still computing takes it (a cancel wins). */
export async function finishVisitPlan(
  knex: Knex,
  id: string,
  done: {
    status: 'draft' | 'failed'
    calendarStatus?: string
    calendarSource?: string
    warnings?: unknown[]
    input?: unknown
    result?: unknown
    visits?: PlannedVisit[]
    legs?: StoredLeg[]
    totalKm?: number | null
    error?: string
  },
): Promise<boolean> {
  const n = await knex('visit_plans')
    .where({ id, status: 'computing' })
    .update({
      status: done.status,
      calendar_status: done.calendarStatus ?? null,
      calendar_source: done.calendarSource ?? null,
      warnings: JSON.stringify(done.warnings ?? []),
      input: done.input === undefined ? null : JSON.stringify(done.input),
      result: done.result === undefined ? null : JSON.stringify(done.result),
      visits: done.visits === undefined ? null : JSON.stringify(done.visits),
      legs: done.legs === undefined ? null : JSON.stringify(done.legs),
      total_km: done.totalKm ?? null,
      error: done.error ?? null,
    })
  return n === 1
}

/** Writes the visits, legs and km of an edited draft. */
export async function updateVisitPlanVisits(trx: Knex, id: string, v: { visits: PlannedVisit[]; legs: StoredLeg[]; totalKm: number; result: unknown }): Promise<void> {
  await trx('visit_plans').where({ id }).update({ visits: JSON.stringify(v.visits), legs: JSON.stringify(v.legs), total_km: v.totalKm, result: JSON.stringify(v.result) })
}

export async function setVisitPlanStatus(trx: Knex, id: string, status: VisitPlanStatus, more: { publishedAt?: string; publishedBy?: string; late?: boolean; sequence?: number } = {}): Promise<void> {
  await trx('visit_plans')
    .where({ id })
    .update({
      status,
      ...(more.publishedAt ? { published_at: more.publishedAt, published_by: more.publishedBy, late: more.late, sequence: more.sequence } : {}),
    })
}

/** Marks the supervisor's published plans of the month superseded; answers the highest publication number so far (0: none). */
export async function supersedePublished(trx: Knex, supervisorId: string, month: string): Promise<number> {
  const row = await trx('visit_plans').where({ supervisor_id: supervisorId, month }).max({ n: 'sequence' }).first()
  await trx('visit_plans').where({ supervisor_id: supervisorId, month, status: 'published' }).update({ status: 'superseded' })
  return Number(row?.n ?? 0)
}

/** Locks the supervisor's row: publications and records of one supervisor queue. */
export async function lockSupervisor(trx: Knex, supervisorId: string): Promise<void> {
  await trx('supervisors').select('id').where({ id: supervisorId }).forUpdate()
}

/** Marks a computing visit plan cancelled (its job was cancelled). */
export async function cancelComputingVisitPlan(trx: Knex, id: string): Promise<boolean> {
  return (await trx('visit_plans').where({ id, status: 'computing' }).update({ status: 'cancelled' })) === 1
}

// --- calendar subscription tokens -------------------------------------------------------

/** Stores (or replaces: the old URL stops working) the supervisor's token hash. */
export async function putCalendarToken(knex: Knex, supervisorId: string, tokenHash: string, createdBy: string): Promise<string> {
  await knex('calendar_tokens').where({ supervisor_id: supervisorId }).del()
  const [row] = await knex('calendar_tokens').insert({ supervisor_id: supervisorId, token_hash: tokenHash, created_by: createdBy }).returning('created_at')
  return new Date(row.created_at).toISOString()
}

/** Revokes the supervisor's token; false when it had none. */
export async function deleteCalendarToken(knex: Knex, supervisorId: string): Promise<boolean> {
  return (await knex('calendar_tokens').where({ supervisor_id: supervisorId }).del()) > 0
}

/** The supervisor a token hash stands for, or null (unknown or revoked). */
export async function supervisorOfToken(knex: Knex, tokenHash: string): Promise<string | null> {
  return ((await knex('calendar_tokens').select('supervisor_id').where({ token_hash: tokenHash }).first())?.supervisor_id as string | undefined) ?? null
}
