/** The working-day calendar as the API and the visit planner use it. */
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { CalendarArrangementBody } from '../contract/requests.js'
import type { SessionUser } from '../auth/roles.js'
import { BadRequest } from '../errors.js'
import { audit } from '../repositories/audit.repository.js'
import { findArrangement, replaceArrangement } from '../repositories/calendar.repository.js'
import { arrangementProblems, buildCalendarYear, type CalendarYearView } from './calendar.js'

/** Every day of `year`: official when its arrangement is stored, else `unpublished`. */
export async function calendarYear(knex: Knex, year: number): Promise<CalendarYearView> {
  return buildCalendarYear(year, await findArrangement(knex, year))
}

/** The working days of a month `YYYY-MM`, with the status and source of its year's calendar. */
export async function monthWorkingDays(knex: Knex, month: string): Promise<{ workingDays: string[]; status: CalendarYearView['status']; source: string }> {
  const year = await calendarYear(knex, Number(month.slice(0, 4)))
  return { workingDays: year.days.filter((d) => d.workday && d.date.startsWith(`${month}-`)).map((d) => d.date), status: year.status, source: year.source }
}

/** An admin loads (or replaces) a year's arrangement: validated, one transaction, audited. */
export async function loadCalendarYear(knex: Knex, user: SessionUser, year: number, body: z.infer<typeof CalendarArrangementBody>): Promise<CalendarYearView> {
  const [problem] = arrangementProblems(year, body)
  if (problem) throw new BadRequest(problem.message, problem.field, { in: 'body' })
  const days = [
    ...body.holidays.map((d) => ({ date: d.date, workday: false, name: d.name })),
    ...body.workdays.map((d) => ({ date: d.date, workday: true, ...(d.name ? { name: d.name } : {}) })),
  ].sort((a, b) => (a.date < b.date ? -1 : 1))
  await knex.transaction(async (trx) => {
    const { before } = await replaceArrangement(trx, { year, source: body.source, days }, user.username)
    await audit(trx, {
      actor: user.username,
      action: before === null ? 'calendar.load' : 'calendar.replace',
      entity: 'calendar',
      entityId: String(year),
      scope: user.scope,
      details: { year, source: body.source, holidays: body.holidays.length, workdays: body.workdays.length, exceptionsBefore: before },
    })
  })
  return calendarYear(knex, year)
}
