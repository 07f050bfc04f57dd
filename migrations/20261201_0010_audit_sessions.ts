import type { Knex } from 'knex'

/**
 * The audit trail made readable, sessions made listable:
 * - `audit_log_divisions`: every division an entry touched (a worker moved from one town to
 *   another touches both; a plan touches its `within`), so that a scoped reader's query
 *   filters by prefix on an index; filled from `scope_code` for the entries written before.
 * - `audit_log (at desc, id desc)` and `(actor, at desc, id desc)`: the keyset order of
 *   GET /api/audit, also for one user.
 * - sessions get a public id (the token's hash stays secret: it is the key a cookie maps
 *   to) and the user agent and address they were signed in from.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table audit_log_divisions (
      audit_id  bigint not null references audit_log (id) on delete cascade,
      code      text not null check (code ~ '^[0-9]{2,12}$'),
      primary key (audit_id, code)
    )`)
  // text_pattern_ops: LIKE '4402%' uses the index whatever the database's collation.
  await knex.raw('create index audit_log_divisions_code_idx on audit_log_divisions (code text_pattern_ops, audit_id)')
  await knex.raw(`insert into audit_log_divisions (audit_id, code) select id, scope_code from audit_log where scope_code ~ '^[0-9]{2,12}$'`)
  await knex.raw('drop index if exists audit_log_at_idx')
  await knex.raw('create index audit_log_at_id_idx on audit_log (at desc, id desc)')
  await knex.raw('create index audit_log_actor_at_id_idx on audit_log (actor, at desc, id desc)')

  await knex.raw(`
    alter table sessions
      add column id uuid not null default gen_random_uuid(),
      add column user_agent text check (length(user_agent) <= 300),
      add column ip text check (length(ip) <= 100)`)
  await knex.raw('alter table sessions add constraint sessions_id_key unique (id)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table sessions drop column id, drop column user_agent, drop column ip')
  await knex.raw('drop index if exists audit_log_actor_at_id_idx')
  await knex.raw('drop index if exists audit_log_at_id_idx')
  await knex.raw('create index audit_log_at_idx on audit_log (at)')
  await knex.raw('drop table if exists audit_log_divisions')
}
