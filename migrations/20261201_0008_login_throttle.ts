import type { Knex } from 'knex'

/**
 * Failed sign-ins counted per key (`account:<name>` for any name, existing or not, and
 * `client:<address>`), in one row each, so that counting and locking are one atomic
 * statement (server/repositories/users.repository.ts reserveLoginAttempt). Replaces the
 * per-user columns, which were read and then written from a stale value.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table login_throttle (
      key             text primary key,
      failures        integer not null check (failures >= 0),
      locked_until    timestamptz,
      last_failure_at timestamptz not null default now()
    )`)
  await knex.raw('create index login_throttle_last_failure_idx on login_throttle (last_failure_at)')
  await knex.raw('alter table users drop column failed_logins, drop column locked_until')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table users add column failed_logins integer not null default 0 check (failed_logins >= 0), add column locked_until timestamptz')
  await knex.raw('drop table if exists login_throttle')
}
