import type { Knex } from 'knex'

/**
 * Plans (a computed change to staffing, grids or supervisor territories, reviewed before it
 * is applied) and the jobs that compute them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table plans (
      id               text primary key,
      kind             text not null check (kind in ('staff', 'grids', 'supervisors')),
      within           text not null check (within ~ '^[0-9]{4}([0-9]{2}([0-9]{3})\\?)\\?$'),
      status           text not null check (status in ('computing', 'draft', 'failed', 'applied', 'discarded')),
      params           jsonb not null default '{}'::jsonb,
      created_by       text not null,
      created_at       timestamptz not null default now(),
      -- md5 per table of the network rows in scope when the plan was computed: apply refuses when one changed.
      input_tables     jsonb,
      data_version     bigint,
      result           jsonb,
      diff             jsonb,
      coverage         jsonb,
      target_state     jsonb,
      before_state     jsonb,
      error            text,
      applied_at       timestamptz,
      applied_by       text,
      reverts_plan_id  text references plans (id)
    )`)
  await knex.raw('create index plans_within_idx on plans (within text_pattern_ops)')
  await knex.raw(`
    create table jobs (
      id          text primary key,
      plan_id     text not null references plans (id) on delete cascade,
      state       text not null check (state in ('queued', 'running', 'done', 'failed')),
      progress    real not null default 0 check (progress between 0 and 1),
      message     text,
      error       text,
      created_at  timestamptz not null default now(),
      updated_at  timestamptz not null default now()
    )`)
  await knex.raw('create index jobs_plan_idx on jobs (plan_id)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists jobs')
  await knex.raw('drop table if exists plans')
}
