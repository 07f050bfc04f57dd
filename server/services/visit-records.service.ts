/**
 * Visit records (issue 11 §6, the visit half): the visits of a division and month, and a
 * supervisor recording one as done (hours) or missed (reason), audited.
 */
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { SessionUser } from '../auth/roles.js'
import type { RecordVisitBody } from '../contract/requests.js'
import { BadRequest, NotFound } from '../errors.js'
import { audit } from '../repositories/audit.repository.js'
import { findVisit, listVisits, recordVisit, type VisitRow } from '../repositories/visits.repository.js'
import { shanghaiDate } from './calendar.js'
import { requireDivision } from './divisions.service.js'
import { viewerOf } from './visits.service.js'

/**
 * Visits of `month` at stations within `within`. A bureau, planner or viewer: a division of
 * its scope, every supervisor's visits there. A supervisor user: its own visits, at its
 * stations wherever they lie (so `within` may be any division).
 */
export async function visitsWithin(knex: Knex, user: SessionUser, within: string, month: string): Promise<{ within: string; month: string; visits: VisitRow[] }> {
  const viewer = viewerOf(user)
  await requireDivision(knex, within, viewer.ownSupervisorId !== null ? '' : user.scope)
  return { within, month, visits: await listVisits(knex, viewer, within, month) }
}

/**
 * Records a visit: `done` with the hours spent (at most 24 a day of the visit; not before
 * its first day, Asia/Shanghai), or `missed` with the reason in `notes`. Only the visit's
 * own supervisor (a supervisor user) or an admin of its scope; anyone else gets 404. A
 * record may be corrected later (audited each time).
 */
export async function recordVisitFor(knex: Knex, user: SessionUser, id: string, body: z.infer<typeof RecordVisitBody>): Promise<VisitRow> {
  const notes = body.notes?.trim() || null
  if (body.status === 'done' && body.hours === undefined) throw new BadRequest('a visit done needs its hours', 'hours', { in: 'body' })
  if (body.status === 'missed' && body.hours !== undefined) throw new BadRequest('a missed visit has no hours', 'hours', { in: 'body' })
  if (body.status === 'missed' && !notes) throw new BadRequest('a missed visit needs its reason in notes', 'notes', { in: 'body' })
  const viewer = viewerOf(user)
  await knex.transaction(async (trx) => {
    const visit = await findVisit(trx, id, viewer, { forUpdate: true })
    if (!visit) throw new NotFound(`visit ${id} does not exist within your scope`)
    if (body.status === 'done') {
      if (body.hours! > 24 * visit.dates.length) throw new BadRequest(`hours: at most ${24 * visit.dates.length} for a visit of ${visit.dates.length} days`, 'hours', { in: 'body' })
      if (visit.dates[0] > shanghaiDate()) throw new BadRequest(`the visit starts on ${visit.dates[0]}: record it as done on or after that day`, 'status', { in: 'body' })
    }
    await recordVisit(trx, id, { status: body.status, hoursDone: body.status === 'done' ? body.hours! : null, notes, recordedBy: user.username })
    await audit(trx, {
      actor: user.username,
      action: 'visit.record',
      entity: 'visit',
      entityId: id,
      scope: visit.townCode,
      details: { supervisorId: visit.supervisorId, stationId: visit.stationId, month: visit.month, dates: visit.dates, before: visit.status, status: body.status, hours: body.hours ?? null, notes },
    })
  })
  return (await findVisit(knex, id, viewer))!
}
