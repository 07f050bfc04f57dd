import type { Knex } from 'knex'

/**
 * Supervision compliance records (issue 11): quarterly station scores, inspections by the
 * city supervision group, workers' training. Dates are `date` (an Asia/Shanghai calendar day,
 * read back as text), quarters `YYYYQn`. Not network data (no coverage, plan or tile reads
 * them): no data-version triggers. Rows go with their station or worker (on delete cascade),
 * as a reset of the demo deletes those.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table station_scores (
      id          uuid primary key default gen_random_uuid(),
      station_id  text not null references stations (id) on delete cascade,
      quarter     text not null check (quarter ~ '^20[0-9]{2}Q[1-4]$'),
      score       numeric(4, 1) not null check (score between 0 and 100),
      inspector   text not null check (length(inspector) between 1 and 100),
      scored_on   date not null,
      recorded_by text not null,
      recorded_at timestamptz not null default now(),
      unique (station_id, quarter)
    )`)
  await knex.raw(`
    create table station_inspections (
      id           uuid primary key default gen_random_uuid(),
      station_id   text not null references stations (id) on delete cascade,
      inspected_on date not null,
      quarter      text not null check (quarter ~ '^20[0-9]{2}Q[1-4]$'),
      inspector    text not null check (length(inspector) between 1 and 100),
      findings     text not null check (length(findings) <= 4000),
      recorded_by  text not null,
      recorded_at  timestamptz not null default now(),
      constraint station_inspections_quarter check (quarter = to_char(inspected_on, 'YYYY"Q"Q'))
    )`)
  await knex.raw('create index station_inspections_station_idx on station_inspections (station_id, quarter)')
  await knex.raw(`
    create table training_records (
      id          uuid primary key default gen_random_uuid(),
      worker_id   text not null references workers (id) on delete cascade,
      trained_on  date not null,
      kind        text not null check (kind in ('prejob', 'professional')),
      hours       numeric(5, 1) not null check (hours > 0 and hours <= 200),
      course      text not null check (length(course) between 1 and 200),
      recorded_by text not null,
      recorded_at timestamptz not null default now()
    )`)
  await knex.raw('create index training_records_worker_idx on training_records (worker_id, trained_on)')
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['training_records', 'station_inspections', 'station_scores']) await knex.raw(`drop table if exists ${table}`)
}
