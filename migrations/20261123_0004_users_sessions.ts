import type { Knex } from 'knex'

/**
 * Users (role + the division code they are scoped to) and their sessions. A session row
 * stores the SHA-256 of the cookie token, never the token itself.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table users (
      id             bigserial primary key,
      username       text not null unique check (username ~ '^[a-z0-9][a-z0-9_.-]{1,39}$'),
      password_hash  text not null,
      role           text not null check (role in ('admin', 'bureau', 'planner', 'supervisor', 'viewer')),
      scope_code     text not null check (scope_code ~ '^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3})\\?)\\?)\\?$'), -- knex: \\? is a literal ?
      supervisor_id  text references supervisors (id) on delete set null,
      failed_logins  integer not null default 0 check (failed_logins >= 0),
      locked_until   timestamptz,
      created_at     timestamptz not null default now(),
      constraint users_supervisor_role check (supervisor_id is null or role = 'supervisor')
    )`)
  await knex.raw(`
    create table sessions (
      token_hash   text primary key,
      user_id      bigint not null references users (id) on delete cascade,
      created_at   timestamptz not null default now(),
      expires_at   timestamptz not null,
      last_seen_at timestamptz not null default now()
    )`)
  await knex.raw('create index sessions_user_idx on sessions (user_id)')
  await knex.raw('create index sessions_expiry_idx on sessions (expires_at)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists sessions')
  await knex.raw('drop table if exists users')
}
