import type { Knex } from 'knex'

/** Who changed what, when: one row per write that changes the network or a plan. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table audit_log (
      id          bigserial primary key,
      at          timestamptz not null default now(),
      actor       text not null check (length(actor) between 1 and 100),
      action      text not null check (length(action) between 1 and 100),
      entity      text not null,
      entity_id   text,
      scope_code  text,
      details     jsonb not null default '{}'::jsonb
    )`)
  await knex.raw('create index audit_log_at_idx on audit_log (at)')
  await knex.raw('create index audit_log_entity_idx on audit_log (entity, entity_id)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists audit_log')
}
