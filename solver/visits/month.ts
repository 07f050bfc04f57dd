/**
 * Calendar dates as plain `YYYY-MM-DD` strings: no `Date` object ever holds a programme date,
 * so the server's time zone cannot shift one (the programme's dates are Asia/Shanghai days).
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MONTH = /^(\d{4})-(\d{2})$/

/** True when `s` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false
  const m = DATE.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

/** True when `s` is a month written `YYYY-MM`. */
export function isIsoMonth(s: unknown): s is string {
  if (typeof s !== 'string') return false
  const m = MONTH.exec(s)
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12
}

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "February 2026" and "2026年2月" for a `YYYY-MM` month. */
export function monthLabel(month: string): { zh: string; en: string } {
  const [y, m] = month.split('-').map(Number)
  return { zh: `${y}年${m}月`, en: `${EN_MONTHS[m - 1]} ${y}` }
}

/** "2月14日" / "14 February" for a `YYYY-MM-DD` date. */
export function dateLabel(date: string): { zh: string; en: string } {
  const [, m, d] = date.split('-').map(Number)
  return { zh: `${m}月${d}日`, en: `${d} ${EN_MONTHS[m - 1]}` }
}
