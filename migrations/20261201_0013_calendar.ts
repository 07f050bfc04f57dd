import type { Knex } from 'knex'
import { shippedArrangements } from '../server/services/calendar.js'

/**
 * China's working-day calendar: one row per year with a State Council arrangement (its
 * source), one row per exception to Monday-Friday (holidays, adjusted working days).
 * A year without a row is `unpublished`. Seeded with the shipped arrangements (2024-2026);
 * an admin loads later years (PUT /api/calendar/:year). Not network data: no data versions.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table calendar_years (
      year       integer primary key check (year between 2000 and 2099),
      source     text not null,
      loaded_by  text,
      loaded_at  timestamptz not null default now()
    )`)
  await knex.raw(`
    create table calendar_days (
      date     date primary key,
      year     integer not null references calendar_years (year) on delete cascade,
      workday  boolean not null,
      name     text,
      constraint calendar_days_year check (extract(year from date) = year)
    )`)
  for (const a of shippedArrangements()) {
    await knex('calendar_years').insert({ year: a.year, source: a.source })
    await knex('calendar_days').insert(a.days.map((d) => ({ date: d.date, year: a.year, workday: d.workday, name: d.name ?? null })))
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table calendar_days')
  await knex.raw('drop table calendar_years')
}
