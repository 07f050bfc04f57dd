/** Number formatting in the current language; '—' for a missing value. */
import { i18n } from './i18n.svelte'

const cache = new Map<string, Intl.NumberFormat>()
function formatter(digits: number): Intl.NumberFormat {
  const key = `${i18n.locale}:${digits}`
  let f = cache.get(key)
  if (!f) cache.set(key, (f = new Intl.NumberFormat(i18n.locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 })))
  return f
}

export const DASH = '—'

export function num(n: number | null | undefined, digits = 0): string {
  return n === null || n === undefined || Number.isNaN(n) ? DASH : formatter(digits).format(n)
}

export function pct(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined ? DASH : `${num(n, digits)}%`
}

export function km(n: number | null | undefined): string {
  return n === null || n === undefined ? DASH : `${num(n, n < 10 ? 2 : 1)} km`
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return DASH
  return new Date(iso).toLocaleString(i18n.locale, { dateStyle: 'short', timeStyle: 'short' })
}

/** Signed difference, e.g. "+3" or "−2"; empty for 0. */
export function delta(after: number, before: number, digits = 0): string {
  const d = after - before
  if (Math.abs(d) < 10 ** -(digits + 1)) return ''
  return `${d > 0 ? '+' : '−'}${num(Math.abs(d), digits)}`
}
