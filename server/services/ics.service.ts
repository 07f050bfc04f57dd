/**
 * A supervisor's visits as an iCalendar feed (RFC 5545), written by ical-generator: one
 * event per visit day, 09:00 Asia/Shanghai for the visit's hours a day, written in UTC (so
 * no client shifts it; Asia/Shanghai has had no daylight saving since 1991). An event's UID
 * is made of the supervisor, the station and the date alone, so it survives a republished
 * plan (the client updates it instead of adding a copy), and its SEQUENCE is the month's
 * publication number, which grows with each publication. A secret subscription URL per
 * supervisor lets calendar apps fetch the feed without a session; only its SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto'
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator'
import type { Knex } from 'knex'
import type { SessionUser } from '../auth/roles.js'
import { NotFound } from '../errors.js'
import { audit } from '../repositories/audit.repository.js'
import { deleteCalendarToken, putCalendarToken, supervisorOfToken } from '../repositories/visit-plans.repository.js'
import { findSupervisorWithStations } from '../repositories/supervision.repository.js'
import { supervisorVisits, type VisitRow } from '../repositories/visits.repository.js'
import { shanghaiDate } from './calendar.js'
import { visibleSupervisor } from './visits.service.js'

/** A visit day starts at 09:00 in Asia/Shanghai (UTC+8, no daylight saving): 01:00 UTC. */
const DAY_START_UTC_HOUR = 1
/** Months before the current one a subscription feed still carries (the record of recent visits). */
const FEED_MONTHS_BACK = 3

/** The UID of a visit day: plan-independent, stable across republishing. */
export function visitDayUid(supervisorId: string, stationId: string, date: string): string {
  return `visit-${supervisorId}-${stationId}-${date}@shuangbai-grid`
}

const STATUS_TEXT = { planned: '计划 planned', done: '已完成 done', missed: '未完成 missed' } as const

/** The feed of a supervisor's visits (already chosen by the caller). */
export function visitsCalendar(supervisor: { id: string; name: string }, visits: VisitRow[]): string {
  const cal = ical({
    name: `督导走访 ${supervisor.name} · Supervision visits`,
    prodId: { company: 'shuangbai-grid', product: 'visits', language: 'ZH' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: 60 * 60,
  })
  for (const v of visits) {
    const hoursADay = v.hours / v.dates.length
    v.dates.forEach((date, k) => {
      const [y, m, d] = date.split('-').map(Number)
      const start = new Date(Date.UTC(y, m - 1, d, DAY_START_UTC_HOUR))
      const theme = v.theme ? `：${v.theme}` : ''
      cal.createEvent({
        id: visitDayUid(v.supervisorId, v.stationId, date),
        sequence: v.sequence,
        start,
        end: new Date(start.getTime() + hoursADay * 3_600_000),
        summary: `督导走访 ${v.stationName}${theme}`,
        description: [
          `第${k + 1}/${v.dates.length}天 · day ${k + 1} of ${v.dates.length}, ${v.hours} h`,
          v.theme ? `主题 theme: ${v.theme}` : null,
          `状态 status: ${STATUS_TEXT[v.status]}${v.notes ? ` (${v.notes})` : ''}`,
        ]
          .filter(Boolean)
          .join('\n'),
        location: { title: v.stationName, address: [v.townName, v.countyName].filter(Boolean).join(', '), geo: { lat: v.lnglat[1], lon: v.lnglat[0] } },
        status: v.status === 'missed' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      })
    })
  }
  return cal.toString()
}

/** GET /api/supervisors/:id/visits.ics?month=: the month's visits of a supervisor the user may see. */
export async function monthFeed(knex: Knex, user: SessionUser, supervisorId: string, month: string): Promise<string> {
  const supervisor = await visibleSupervisor(knex, user, supervisorId)
  return visitsCalendar(supervisor, await supervisorVisits(knex, supervisorId, { month }))
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** The month `n` months before the one of `date` (`YYYY-MM-DD`), as `YYYY-MM`. */
export function monthsBefore(date: string, n: number): string {
  const [y, m] = date.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1 - n, 1))
  return t.toISOString().slice(0, 7)
}

/** GET /ics/<token>.ics: the subscription feed (visits from three months back on), or 404 for an unknown or revoked token. */
export async function tokenFeed(knex: Knex, token: string): Promise<string> {
  const supervisorId = await supervisorOfToken(knex, hashToken(token))
  const supervisor = supervisorId ? await findSupervisorWithStations(knex, supervisorId) : null
  if (!supervisor) throw new NotFound('no such calendar (the link may have been revoked)')
  return visitsCalendar(supervisor, await supervisorVisits(knex, supervisor.id, { fromMonth: monthsBefore(shanghaiDate(), FEED_MONTHS_BACK) }))
}

/**
 * A new subscription URL for the supervisor (its own supervisor for a supervisor user, any
 * of its scope for an admin): replaces the previous one, which stops working at once. The
 * token is shown in this answer only.
 */
export async function createCalendarToken(knex: Knex, user: SessionUser, supervisorId: string, origin: string): Promise<{ supervisorId: string; url: string; createdAt: string }> {
  await visibleSupervisor(knex, user, supervisorId)
  const token = randomBytes(32).toString('base64url')
  const createdAt = await knex.transaction(async (trx) => {
    const at = await putCalendarToken(trx, supervisorId, hashToken(token), user.username)
    await audit(trx, { actor: user.username, action: 'calendar_token.create', entity: 'supervisor', entityId: supervisorId })
    return at
  })
  return { supervisorId, url: `${origin}/ics/${token}.ics`, createdAt }
}

/** Revokes the supervisor's subscription URL (if any): its feed answers 404 from now on. */
export async function revokeCalendarToken(knex: Knex, user: SessionUser, supervisorId: string): Promise<void> {
  await visibleSupervisor(knex, user, supervisorId)
  await knex.transaction(async (trx) => {
    if (await deleteCalendarToken(trx, supervisorId)) await audit(trx, { actor: user.username, action: 'calendar_token.revoke', entity: 'supervisor', entityId: supervisorId })
  })
}
