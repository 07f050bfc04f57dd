import type { Knex } from 'knex'

/** The tables of the network: any change to them is a new data version. */
const NETWORK_TABLES = [
  'divisions',
  'village_special_groups',
  'stations',
  'grid_units',
  'grid_unit_villages',
  'service_points',
  'workers',
  'supervisors',
  'supervisor_stations',
]

/**
 * The data version is bumped by the database itself, once per statement that changes a
 * network table, so that no writer can forget it (a psql session, another server process,
 * the seeder). Caches of derived data (the coverage report) are keyed by it. Writers lock
 * the app_meta row first (lockNetwork) so that these bumps never wait in a lock cycle.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function bump_data_version() returns trigger language plpgsql as $$
    begin
      update app_meta set data_version = data_version + 1 where id = 1;
      return null;
    end $$`)
  for (const table of NETWORK_TABLES) {
    await knex.raw(`
      create trigger ${table}_data_version after insert or update or delete or truncate on ${table}
      for each statement execute function bump_data_version()`)
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of NETWORK_TABLES) await knex.raw(`drop trigger if exists ${table}_data_version on ${table}`)
  await knex.raw('drop function if exists bump_data_version()')
}
