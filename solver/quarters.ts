/**
 * Quarters `YYYYQn` of the programme's calendar (Asia/Shanghai), as plain strings like the
 * dates of solver/visits/month.ts: no `Date` holds a programme date, so the server's time
 * zone cannot move a record into another quarter or year. Browser-safe (the web imports it).
 */

const QUARTER = /^(20\d{2})Q([1-4])$/
/** Any four-digit year: arithmetic steps out of 2000-2099 (the quarter before 2000Q1 is 1999Q4). */
const ANY_QUARTER = /^(\d{4})Q([1-4])$/

/** True when `s` is a quarter written `YYYYQn` (n = 1-4), 2000-2099. */
export function isQuarter(s: unknown): s is string {
  return typeof s === 'string' && QUARTER.test(s)
}

function parts(quarter: string): [number, number] {
  const m = ANY_QUARTER.exec(quarter)
  if (!m) throw new Error(`not a quarter YYYYQn: ${quarter}`)
  return [Number(m[1]), Number(m[2])]
}

/** The quarter of a `YYYY-MM-DD` date. */
export function quarterOfDate(date: string): string {
  return `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`
}

/** The quarter `n` quarters after (negative: before) `quarter`. */
export function shiftQuarter(quarter: string, n: number): string {
  const [y, q] = parts(quarter)
  const i = y * 4 + (q - 1) + n
  return `${Math.floor(i / 4)}Q${(i % 4) + 1}`
}

/** The quarter before. */
export const previousQuarter = (quarter: string): string => shiftQuarter(quarter, -1)

/** The year of a quarter. */
export const yearOfQuarter = (quarter: string): number => parts(quarter)[0]

/** `count` quarters ending with `last`, oldest first. */
export function quartersEndingAt(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => shiftQuarter(last, i - count + 1))
}

/** The three months `YYYY-MM` of a quarter. */
export function quarterMonths(quarter: string): string[] {
  const [y, q] = parts(quarter)
  return [1, 2, 3].map((k) => `${y}-${String((q - 1) * 3 + k).padStart(2, '0')}`)
}

/** First day of the quarter and first day of the next one (`YYYY-MM-DD`): the half-open range of its dates. */
export function quarterRange(quarter: string): { from: string; until: string } {
  const [y, q] = parts(quarter)
  const next = shiftQuarter(quarter, 1)
  const [ny, nq] = parts(next)
  return { from: `${y}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`, until: `${ny}-${String((nq - 1) * 3 + 1).padStart(2, '0')}-01` }
}

/** Today's date `YYYY-MM-DD` in Asia/Shanghai (UTC+8, no daylight saving) at the instant `now`. */
export function shanghaiDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

/** The quarter in progress in Asia/Shanghai at `now`. */
export const currentQuarter = (now: Date = new Date()): string => quarterOfDate(shanghaiDate(now))

/** The last complete quarter in Asia/Shanghai at `now` (the one before the current). */
export const lastCompleteQuarter = (now: Date = new Date()): string => previousQuarter(currentQuarter(now))

/** "2026年第3季度" / "Q3 2026". */
export function quarterLabel(quarter: string): { zh: string; en: string } {
  const [y, q] = parts(quarter)
  return { zh: `${y}年第${q}季度`, en: `Q${q} ${y}` }
}
