/**
 * Visit plans as reviewable plans (issue 11 §4): a job computes a supervisor's month
 * (draft), the supervisor reviews it (calendar, route, km), edits a visit's theme or dates
 * (re-verified), and publishes it: the announcement to the city, county and towns concerned
 * (recorded with its time and who, audited), which writes the month's visits. Publishing a
 * month again keeps the visits already recorded and replaces the rest.
 */
import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import type { z } from 'zod'
import { planVisits, verifyVisitPlan, type PlanVisitsInput } from '../../solver/index.js'
import { normaliseVisitInput } from '../../solver/visits/problem.js'
import { SUPERVISION_VISITS } from '../../solver/policy.js'
import type { SessionUser } from '../auth/roles.js'
import type { CreateVisitPlanBody, VisitEditBody, VisitPlanListQuery } from '../contract/requests.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { audit } from '../repositories/audit.repository.js'
import { insertJob } from '../repositories/jobs.repository.js'
import { findSupervisorWithStations } from '../repositories/supervision.repository.js'
import * as repo from '../repositories/visit-plans.repository.js'
import type { PlannedVisit, StoredLeg, VisitPlanRow } from '../repositories/visit-plans.repository.js'
import { deletePlannedVisits, insertVisits, supervisorVisits } from '../repositories/visits.repository.js'
import { shanghaiDate } from './calendar.js'
import type { JobContext, JobQueue } from './jobs.js'
import { asParamsError, viewerOf, visibleSupervisor, visitInput } from './visits.service.js'

/** Creates a draft visit plan and queues the job computing it; bad parameters are a 400 now, not a failed job. */
export async function createVisitPlan(knex: Knex, jobs: JobQueue, user: SessionUser, body: z.infer<typeof CreateVisitPlanBody>): Promise<{ id: string; jobId: string }> {
  const supervisor = await visibleSupervisor(knex, user, body.supervisorId)
  const params = body.params ?? {}
  const { input } = await visitInput(knex, supervisor, body.month, params)
  try {
    normaliseVisitInput(input)
  } catch (err) {
    asParamsError(err)
  }
  const id = randomUUID()
  const jobId = randomUUID()
  await repo.insertVisitPlan(knex, { id, supervisorId: supervisor.id, month: body.month, params, createdBy: user.username })
  await insertJob(knex, { id: jobId, planId: id, target: 'visitPlan' })
  await jobs.enqueue(jobId)
  return { id, jobId }
}

/** What a job worker runs for a visit plan: reads the supervisor and the calendar, solves, stores the draft. */
export async function computeVisitPlanJob(knex: Knex, id: string, ctx: JobContext): Promise<void> {
  const plan = await repo.findVisitPlan(knex, id, null)
  if (!plan || plan.status !== 'computing') return // cancelled before it started
  try {
    ctx.progress(0.1, { step: 'readingData', done: 0, total: 1 })
    const supervisor = await findSupervisorWithStations(knex, plan.supervisorId)
    if (!supervisor) throw new Error(`supervisor ${plan.supervisorId} no longer exists`)
    const { input, calendar } = await visitInput(knex, supervisor, plan.month, plan.params)
    ctx.progress(0.5, { step: 'planningVisits', done: 0, total: 1 })
    const r = await planVisits(input)
    ctx.signal.throwIfAborted()
    const { visits, legs, totalKm, warnings, explanations, calendarStatus: _c, month: _m, ...meta } = r
    const feasible = r.status === 'optimal' || r.status === 'feasible'
    await repo.finishVisitPlan(knex, id, {
      status: feasible && r.verified ? 'draft' : 'failed',
      calendarStatus: calendar.status,
      calendarSource: calendar.source,
      warnings,
      input,
      result: { ...meta, ...(explanations ? { explanations } : {}) },
      visits: visits.map((v) => ({ ...v, theme: null })),
      legs: legs as StoredLeg[],
      totalKm,
      ...(feasible ? {} : { error: explanations?.map((e) => e.message.en).join('; ') || 'no schedule keeps every rule' }),
    })
  } catch (err) {
    if (ctx.signal.aborted) throw err
    await repo.finishVisitPlan(knex, id, { status: 'failed', error: (err as Error).message.slice(0, 4000) })
    throw err
  }
}

/** A visit plan the user may see; 404 otherwise (a supervisor user: another supervisor's too). */
export async function getVisitPlan(knex: Knex, user: SessionUser, id: string): Promise<VisitPlanRow> {
  const plan = await repo.findVisitPlan(knex, id, viewerOf(user))
  if (!plan) throw new NotFound(`visit plan ${id} does not exist within your scope`)
  return plan
}

/** Visit plans the user may see, newest first; naming a supervisor the user may not see is a 404. */
export async function listVisitPlans(knex: Knex, user: SessionUser, q: z.infer<typeof VisitPlanListQuery>) {
  if (q.supervisorId) await visibleSupervisor(knex, user, q.supervisorId)
  const rows = await repo.listVisitPlans(knex, viewerOf(user), q)
  return rows.map(({ input: _i, legs: _l, visits, params: _p, supervisorCounty: _c, result, ...row }) => ({ ...row, result: resultView(row.status, result), stations: visits?.length ?? 0 }))
}

function resultView(status: string, result: Record<string, unknown> | null) {
  if (!result) return { status: status === 'computing' ? 'computing' : 'error', verified: false, objective: null }
  return { ...result, status: String(result.status), verified: Boolean(result.verified), objective: (result.objective as number | null) ?? null }
}

/** The plan as the API shows it: visits with their station's name, town and place; the route; km. */
export async function visitPlanView(knex: Knex, plan: VisitPlanRow) {
  const ids = (plan.visits ?? []).map((v) => v.stationId)
  const stations = new Map<string, { name: string; townCode: string; townName: string }>(
    ids.length
      ? (
          await knex('stations as s')
            .join('divisions as t', 't.code', 's.town_code')
            .select('s.id', 's.name', 's.town_code as townCode', 't.name as townName')
            .whereIn('s.id', ids)
        ).map((s: { id: string; name: string; townCode: string; townName: string }) => [s.id, s])
      : [],
  )
  const where = new Map((plan.input?.stations ?? []).map((s) => [s.id, s.lnglat]))
  const { input: _i, supervisorCounty: _c, result, visits, legs, ...row } = plan
  return {
    ...row,
    result: resultView(plan.status, result),
    base: plan.input?.base ?? null,
    workingDays: plan.input?.workingDays ?? [],
    visits: (visits ?? []).map((v) => ({
      ...v,
      stationName: stations.get(v.stationId)?.name ?? v.stationId,
      townCode: stations.get(v.stationId)?.townCode ?? null,
      townName: stations.get(v.stationId)?.townName ?? null,
      lnglat: where.get(v.stationId) ?? null,
    })),
    legs: legs ?? [],
  }
}

/**
 * Edits one visit of a draft: its theme, or its dates (re-verified by the solver's
 * independent verifier against the plan's input; a broken rule is a 400 naming `dates`,
 * nothing changed). The route and km are recomputed; the plan is then `feasible`, no
 * longer proven optimal.
 */
export async function editPlannedVisit(knex: Knex, user: SessionUser, id: string, stationId: string, body: z.infer<typeof VisitEditBody>): Promise<VisitPlanRow> {
  if (body.theme === undefined && body.dates === undefined) throw new BadRequest('give theme or dates', 'body', { in: 'body' })
  await knex.transaction(async (trx) => {
    const plan = await repo.findVisitPlan(trx, id, viewerOf(user), { forUpdate: true })
    if (!plan) throw new NotFound(`visit plan ${id} does not exist within your scope`)
    if (plan.status !== 'draft') throw new Conflict(`visit plan ${id} is ${plan.status}; only a draft can be edited (plan the month again to change it)`, { planStatus: plan.status })
    const visits = plan.visits ?? []
    const at = visits.findIndex((v) => v.stationId === stationId)
    if (at < 0) throw new NotFound(`visit plan ${id} has no visit to station ${stationId}`)
    const input = plan.input as PlanVisitsInput
    const hoursPerDay = input.hoursPerDay ?? SUPERVISION_VISITS.value.defaultHoursPerDay
    const edited: PlannedVisit = {
      ...visits[at],
      ...(body.theme !== undefined ? { theme: body.theme } : {}),
      ...(body.dates ? { dates: [...body.dates].sort(), hours: body.dates.length * hoursPerDay } : {}),
    }
    const next = visits.map((v, i) => (i === at ? edited : v))
    let route = { legs: plan.legs ?? [], totalKm: plan.totalKm ?? 0, result: plan.result }
    if (body.dates) {
      const check = verifyVisitPlan(input, { visits: next.map(({ stationId: s, dates, hours }) => ({ stationId: s, dates, hours })) })
      if (!check.ok) throw new BadRequest(`the new dates break the visit rules: ${check.violations.join('; ')}`, 'dates', { in: 'body', violations: check.violations })
      const totalKm = check.totalMetres / 1000
      route = { legs: check.legs as StoredLeg[], totalKm, result: { ...plan.result, status: 'feasible', objective: totalKm, verified: true, spreadDays: check.spreadDays, edited: true } }
    }
    await repo.updateVisitPlanVisits(trx, id, { visits: next, legs: route.legs, totalKm: route.totalKm, result: route.result })
    await audit(trx, {
      actor: user.username,
      action: 'visit_plan.edit',
      entity: 'visit_plan',
      entityId: id,
      scope: plan.supervisorCounty,
      details: { stationId, before: { dates: visits[at].dates, theme: visits[at].theme }, after: { dates: edited.dates, theme: edited.theme } },
    })
  })
  return getVisitPlan(knex, user, id)
}

/**
 * Publishes a draft: the announcement of the month's visit times and themes (Shaoguan plan
 * §2(6)), in one transaction: the supervisor's earlier publication of the month is
 * superseded, its visits not yet recorded are replaced by this plan's, recorded ones are
 * kept; the plan records who and when, `late` when the month had begun (Asia/Shanghai), and
 * its publication number (the ICS SEQUENCE). Audited with every town concerned, so the
 * bureaus of those towns, their counties and city see it. 409 when the plan is no draft,
 * the supervisor's stations changed, or a visit was recorded since it was computed.
 */
export async function publishVisitPlan(knex: Knex, user: SessionUser, id: string): Promise<VisitPlanRow> {
  await knex.transaction(async (trx) => {
    const seen = await repo.findVisitPlan(trx, id, viewerOf(user))
    if (!seen) throw new NotFound(`visit plan ${id} does not exist within your scope`)
    await repo.lockSupervisor(trx, seen.supervisorId)
    const plan = (await repo.findVisitPlan(trx, id, null, { forUpdate: true }))!
    if (plan.status === 'published') throw new Conflict(`visit plan ${id} was already published (by ${plan.publishedBy} at ${plan.publishedAt})`, { planStatus: plan.status, publishedBy: plan.publishedBy, publishedAt: plan.publishedAt })
    if (plan.status !== 'draft') throw new Conflict(`visit plan ${id} is ${plan.status}; only a draft can be published`, { planStatus: plan.status })
    const input = plan.input as PlanVisitsInput
    const supervisor = await findSupervisorWithStations(trx, plan.supervisorId)
    const now = (supervisor?.stations ?? []).map((s) => s.id).sort()
    const then = input.stations.map((s) => s.id).sort()
    if (now.join() !== then.join()) throw new Conflict(`the stations of supervisor ${plan.supervisorId} changed since this plan was computed: plan the month again`, { planStatus: 'outdated' })
    const existing = await supervisorVisits(trx, plan.supervisorId, { month: plan.month })
    const recorded = existing.filter((v) => v.status !== 'planned')
    if (recorded.some((v) => v.recordedAt! > plan.createdAt)) throw new Conflict(`a visit of ${plan.month} was recorded since this plan was computed: plan the month again`, { planStatus: 'outdated' })
    const visits = plan.visits ?? []
    const check = verifyVisitPlan(input, { visits: visits.map(({ stationId, dates, hours }) => ({ stationId, dates, hours })) })
    if (!check.ok) throw new Conflict(`visit plan ${id} no longer passes its checks: ${check.violations.join('; ')}`)
    const sequence = (await repo.supersedePublished(trx, plan.supervisorId, plan.month)) + 1
    await deletePlannedVisits(trx, plan.supervisorId, plan.month)
    const kept = new Set(recorded.map((v) => `${v.stationId}|${v.dates.join()}`))
    await insertVisits(
      trx,
      visits
        .filter((v) => !kept.has(`${v.stationId}|${v.dates.join()}`))
        .map((v) => ({ id: randomUUID(), supervisorId: plan.supervisorId, stationId: v.stationId, month: plan.month, dates: v.dates, hours: v.hours, theme: v.theme, planId: id, sequence })),
    )
    const late = shanghaiDate() >= `${plan.month}-01`
    await repo.setVisitPlanStatus(trx, id, 'published', { publishedAt: new Date().toISOString(), publishedBy: user.username, late, sequence })
    await audit(trx, {
      actor: user.username,
      action: 'visit_plan.publish',
      entity: 'visit_plan',
      entityId: id,
      scope: plan.supervisorCounty,
      divisions: (supervisor?.stations ?? []).map((s) => s.townCode),
      details: { supervisorId: plan.supervisorId, month: plan.month, sequence, late, kept: recorded.length, visits: visits.map((v) => ({ stationId: v.stationId, dates: v.dates, theme: v.theme })) },
    })
  })
  return getVisitPlan(knex, user, id)
}
