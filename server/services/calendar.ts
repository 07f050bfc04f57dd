/**
 * China's working-day calendar, pure: a year's days from the State Council's arrangement
 * (holidays and adjusted working days, 调休) or, for a year without a published notice,
 * Monday-Friday flagged `unpublished`. Dates are `YYYY-MM-DD` strings of Asia/Shanghai
 * days and weekdays are computed in UTC arithmetic, so the server's time zone never
 * shifts a day (Asia/Shanghai has no daylight saving since 1991).
 */
import { createRequire } from 'node:module'

/** One exception to the weekday rule: a holiday (workday false) or an adjusted working day. */
export interface CalendarException {
  date: string
  workday: boolean
  name?: string
}

/** A year's official arrangement. */
export interface CalendarArrangement {
  year: number
  source: string
  days: CalendarException[]
}

/** The contract's GET /api/calendar/:year answer. */
export interface CalendarYearView {
  year: number
  status: 'official' | 'unpublished'
  source: string
  days: Array<{ date: string; workday: boolean; name?: string }>
}

/** Title of the State Council's yearly notice on the holidays of `year`. */
export const noticeTitle = (year: number) => `国务院办公厅关于${year}年部分节假日安排的通知`

/** 0 = Sunday … 6 = Saturday, of a `YYYY-MM-DD` date, independent of the process time zone. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}

/** True for Saturday and Sunday. */
export const isWeekend = (date: string) => weekdayOf(date) % 6 === 0

/** Every date of `year`, January 1 to December 31. */
export function datesOfYear(year: number): string[] {
  const out: string[] = []
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

/** The day in Asia/Shanghai at an instant, `YYYY-MM-DD` (e.g. "today" for the programme). */
export function shanghaiDate(instant: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant)
}

/** Every day of a year: official when an arrangement is given, else Monday-Friday and `unpublished`. */
export function buildCalendarYear(year: number, arrangement: CalendarArrangement | null): CalendarYearView {
  const exceptions = new Map((arrangement?.days ?? []).map((d) => [d.date, d]))
  const days = datesOfYear(year).map((date) => {
    const e = exceptions.get(date)
    if (e) return e.name ? { date, workday: e.workday, name: e.name } : { date, workday: e.workday }
    return { date, workday: !isWeekend(date) }
  })
  if (arrangement) return { year, status: 'official', source: arrangement.source, days }
  return {
    year,
    status: 'unpublished',
    source: `unpublished: no ${noticeTitle(year)} yet; Monday to Friday assumed, without holidays or adjusted working days (tentative)`,
    days,
  }
}

/** Years of the official arrangements shipped with the app (npm chinese-days). */
export const SHIPPED_YEARS = [2024, 2025, 2026] as const

/**
 * The shipped official arrangements, from npm `chinese-days` (MIT; the State Council's
 * notices, checked against the 2026 notice in test/unit/calendar.test.ts). Its holidays
 * include the weekend days inside a holiday; its `workdays` are the adjusted working days.
 */
export function shippedArrangements(): CalendarArrangement[] {
  const require = createRequire(import.meta.url)
  const data = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> }
  const version = (require('chinese-days/package.json') as { version: string }).version
  const zhName = (v: string) => v.split(',')[1] ?? v
  return SHIPPED_YEARS.map((year) => {
    const days: CalendarException[] = []
    for (const [date, v] of Object.entries(data.holidays)) if (date.startsWith(`${year}-`)) days.push({ date, workday: false, name: zhName(v) })
    for (const [date, v] of Object.entries(data.workdays)) if (date.startsWith(`${year}-`)) days.push({ date, workday: true, name: `${zhName(v)}调休上班` })
    if (!days.some((d) => d.workday === false)) throw new Error(`chinese-days ${version} has no holidays of ${year}`)
    days.sort((a, b) => (a.date < b.date ? -1 : 1))
    return { year, source: `${noticeTitle(year)} (State Council; data: npm chinese-days ${version})`, days }
  })
}

/** Problems of an arrangement an admin loads (field path → message); empty when valid. */
export function arrangementProblems(year: number, body: { holidays: Array<{ date: string }>; workdays: Array<{ date: string }> }): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = []
  const seen = new Map<string, string>()
  const check = (list: Array<{ date: string }>, key: 'holidays' | 'workdays') =>
    list.forEach((d, i) => {
      const field = `${key}.${i}.date`
      if (!d.date.startsWith(`${year}-`)) out.push({ field, message: `${d.date} is not in ${year}` })
      else if (seen.has(d.date)) out.push({ field, message: `${d.date} is listed twice (also ${seen.get(d.date)})` })
      else if (key === 'workdays' && !isWeekend(d.date)) out.push({ field, message: `${d.date} is a weekday: an adjusted working day (调休上班) is a Saturday or Sunday` })
      seen.set(d.date, field)
    })
  check(body.holidays, 'holidays')
  check(body.workdays, 'workdays')
  return out
}
