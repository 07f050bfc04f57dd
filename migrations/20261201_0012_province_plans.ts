import type { Knex } from 'knex'

/** Staff plans of a whole province (its counties solved one by one): a plan's scope may be a province code. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table plans drop constraint plans_within_check')
  await knex.raw(`alter table plans add constraint plans_within_check check (within ~ '^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}){0,1}){0,1}){0,1}$')`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`delete from plans where length(within) = 2`)
  await knex.raw('alter table plans drop constraint plans_within_check')
  await knex.raw(`alter table plans add constraint plans_within_check check (within ~ '^[0-9]{4}([0-9]{2}([0-9]{3}){0,1}){0,1}$')`)
}
