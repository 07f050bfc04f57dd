/** The working-day calendar's tables: a year's arrangement and its exceptions to Monday-Friday. */
import type { Knex } from 'knex'
import type { CalendarArrangement, CalendarException } from '../services/calendar.js'

/** A year's stored arrangement, or null when none is stored (an unpublished year). Dates as text: no time zone touches them. */
export async function findArrangement(knex: Knex, year: number): Promise<(CalendarArrangement & { loadedBy: string | null }) | null> {
  const head = await knex('calendar_years').select('year', 'source', 'loaded_by as loadedBy').where({ year }).first()
  if (!head) return null
  const rows: Array<{ date: string; workday: boolean; name: string | null }> = await knex('calendar_days')
    .select(knex.raw(`to_char(date, 'YYYY-MM-DD') as date`), 'workday', 'name')
    .where({ year })
    .orderBy('date')
  const days: CalendarException[] = rows.map((r) => (r.name ? { date: r.date, workday: r.workday, name: r.name } : { date: r.date, workday: r.workday }))
  return { year: head.year, source: head.source, loadedBy: head.loadedBy, days }
}

/** Replaces a year's arrangement (in the caller's transaction); returns how many exceptions it had before. */
export async function replaceArrangement(trx: Knex.Transaction, a: CalendarArrangement, actor: string): Promise<{ before: number | null }> {
  const existing = await trx('calendar_years').select('year').where({ year: a.year }).forUpdate().first()
  const before = existing ? Number((await trx('calendar_days').count('* as n').where({ year: a.year }))[0].n) : null
  await trx('calendar_years').where({ year: a.year }).delete()
  await trx('calendar_years').insert({ year: a.year, source: a.source, loaded_by: actor })
  if (a.days.length) await trx('calendar_days').insert(a.days.map((d) => ({ date: d.date, year: a.year, workday: d.workday, name: d.name ?? null })))
  return { before }
}
