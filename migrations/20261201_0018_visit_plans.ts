import type { Knex } from 'knex'

/**
 * Supervisors' visit plans (issue 11): a month's plan is a draft computed by a job (jobs
 * now point at a plan or at a visit plan, exactly one), reviewed, edited and published;
 * publishing writes the month's `visits`, which the supervisor records as done or missed.
 * A supervisor's calendar subscription is a secret token kept as its SHA-256 only.
 * Not network data (no staffing, no geometry): no data-version triggers; rows go with their
 * supervisor or station (on delete cascade), so clearing the dataset clears them.
 * Dates are `YYYY-MM-DD` text in JSON arrays (Asia/Shanghai days): no time zone shifts one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table visit_plans (
      id               text primary key,
      supervisor_id    text not null references supervisors (id) on delete cascade,
      month            text not null check (month ~ '^20[0-9]{2}-(0[1-9]|1[0-2])$'),
      status           text not null check (status in ('computing', 'draft', 'failed', 'published', 'superseded', 'discarded', 'cancelled')),
      params           jsonb not null default '{}'::jsonb,
      calendar_status  text check (calendar_status in ('official', 'unpublished')),
      calendar_source  text,
      warnings         jsonb not null default '[]'::jsonb,
      -- the solver's input, so an edited date is re-verified against the same rules
      input            jsonb,
      result           jsonb,
      visits           jsonb,
      legs             jsonb,
      total_km         double precision,
      error            text,
      created_by       text not null,
      created_at       timestamptz not null default now(),
      published_at     timestamptz,
      published_by     text,
      late             boolean,
      -- the month's publication number (1, 2, ...): the ICS SEQUENCE of the visits it wrote
      sequence         integer check (sequence >= 1)
    )`)
  await knex.raw('create index visit_plans_supervisor_month_idx on visit_plans (supervisor_id, month)')
  await knex.raw('alter table jobs alter column plan_id drop not null')
  await knex.raw('alter table jobs add column visit_plan_id text references visit_plans (id) on delete cascade')
  await knex.raw('alter table jobs add constraint jobs_one_target check (num_nonnulls(plan_id, visit_plan_id) = 1)')
  await knex.raw('create index jobs_visit_plan_idx on jobs (visit_plan_id)')
  await knex.raw(`
    create table visits (
      id            text primary key,
      supervisor_id text not null references supervisors (id) on delete cascade,
      station_id    text not null references stations (id) on delete cascade,
      month         text not null check (month ~ '^20[0-9]{2}-(0[1-9]|1[0-2])$'),
      dates         jsonb not null check (jsonb_typeof(dates) = 'array' and jsonb_array_length(dates) between 1 and 31),
      hours         double precision not null check (hours > 0),
      theme         text check (theme is null or length(theme) between 1 and 200),
      plan_id       text references visit_plans (id) on delete set null,
      sequence      integer not null default 1 check (sequence >= 1),
      status        text not null default 'planned' check (status in ('planned', 'done', 'missed')),
      hours_done    double precision check (hours_done is null or hours_done > 0),
      notes         text check (notes is null or length(notes) <= 2000),
      recorded_by   text,
      recorded_at   timestamptz,
      constraint visits_done_hours check ((status = 'done') = (hours_done is not null)),
      constraint visits_recorded check ((status = 'planned') = (recorded_at is null))
    )`)
  await knex.raw('create index visits_supervisor_month_idx on visits (supervisor_id, month)')
  await knex.raw('create index visits_station_month_idx on visits (station_id, month)')
  await knex.raw(`
    create table calendar_tokens (
      supervisor_id text primary key references supervisors (id) on delete cascade,
      token_hash    text not null unique,
      created_by    text not null,
      created_at    timestamptz not null default now()
    )`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists calendar_tokens')
  await knex.raw('drop table if exists visits')
  await knex.raw('delete from jobs where visit_plan_id is not null')
  await knex.raw('alter table jobs drop constraint if exists jobs_one_target')
  await knex.raw('alter table jobs drop column if exists visit_plan_id')
  await knex.raw('alter table jobs alter column plan_id set not null')
  await knex.raw('drop table if exists visit_plans')
}
