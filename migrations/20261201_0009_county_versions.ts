import type { Knex } from 'knex'
import { up as globalVersionTriggers } from './20261123_0006_data_version_triggers.js'

/**
 * Per-county data versions replace the single `app_meta.data_version` row (migrations 0001, 0006).
 *
 * `data_versions` holds one counter per version key: a county code (6 digits) for every row
 * of a county or below it, and the division's own code for the rows of a city or a province.
 * Triggers bump, once per statement, the keys of exactly the rows the statement touched
 * (transition tables), so that
 * - an edit in one county invalidates only that county's cached answers (and answers of the
 *   scopes containing it), never a neighbour's;
 * - writers lock the keys of the counties they write (lockCounties), so writers of different
 *   counties no longer queue behind each other.
 * The version of a scope is the sum of the counters of its keys (its own, its ancestors' and
 * its descendants'): every counter only grows, so the sum grows with every committed change
 * in the scope, whichever transaction commits first.
 */

/** For each network table: the version keys of a set of its rows (`rel` names the rows). */
const KEYS: Record<string, (rel: string) => string> = {
  divisions: (r) => `select case when length(code) <= 6 then code else left(code, 6) end from ${r}`,
  village_special_groups: (r) => `select left(village_code, 6) from ${r}`,
  stations: (r) => `select left(town_code, 6) from ${r}`,
  grid_units: (r) => `select left(town_code, 6) from ${r}`,
  grid_unit_villages: (r) => `select left(town_code, 6) from ${r}`,
  service_points: (r) => `select left(village_code, 6) from ${r}`,
  workers: (r) => `select left(s.town_code, 6) from ${r} x join stations s on s.id = x.station_id`,
  // A supervisor shows on the stations it supervises, wherever they lie.
  supervisors: (r) => `select county_code from ${r} union all
    select left(s.town_code, 6) from ${r} x join supervisor_stations ss on ss.supervisor_id = x.id join stations s on s.id = ss.station_id`,
  supervisor_stations: (r) => `select left(s.town_code, 6) from ${r} x join stations s on s.id = x.station_id union all
    select v.county_code from ${r} x join supervisors v on v.id = x.supervisor_id`,
}

export const NETWORK_TABLES = Object.keys(KEYS)

const bump = (keys: string) => `
  insert into data_versions (code, version)
  select distinct k, 1 from (${keys}) t(k) where k is not null
  on conflict (code) do update set version = data_versions.version + 1`

export async function up(knex: Knex): Promise<void> {
  for (const table of NETWORK_TABLES) await knex.raw(`drop trigger if exists ${table}_data_version on ${table}`)
  await knex.raw('drop function if exists bump_data_version()')

  await knex.raw(`
    create table data_versions (
      code    text primary key check (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2}){0,1}){0,1}$'),
      version bigint not null check (version >= 0)
    )`)
  // Every division down to the counties gets its key now, at the global version reached so
  // far, so that no scope's version goes backwards across this migration.
  await knex.raw(`
    insert into data_versions (code, version)
    select code, (select data_version from app_meta where id = 1) from divisions where length(code) <= 6`)
  await knex.raw('drop table app_meta')

  // A plan records the counters of its counties; apply compares them (409 when one moved).
  await knex.raw('alter table plans add column county_versions jsonb')

  for (const table of NETWORK_TABLES) {
    const keys = KEYS[table]!
    await knex.raw(`
      create function bump_versions_${table}() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then ${bump(keys('new_rows'))};
        elsif tg_op = 'DELETE' then ${bump(keys('old_rows'))};
        elsif tg_op = 'UPDATE' then ${bump(`${keys('old_rows')} union all ${keys('new_rows')}`)};
        else update data_versions set version = version + 1;
        end if;
        return null;
      end $$`)
    await knex.raw(`create trigger ${table}_versions_ins after insert on ${table} referencing new table as new_rows for each statement execute function bump_versions_${table}()`)
    await knex.raw(`create trigger ${table}_versions_del after delete on ${table} referencing old table as old_rows for each statement execute function bump_versions_${table}()`)
    await knex.raw(
      `create trigger ${table}_versions_upd after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function bump_versions_${table}()`,
    )
    await knex.raw(`create trigger ${table}_versions_trunc after truncate on ${table} for each statement execute function bump_versions_${table}()`)
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table plans drop column county_versions')
  for (const table of NETWORK_TABLES) {
    for (const t of ['ins', 'del', 'upd', 'trunc']) await knex.raw(`drop trigger if exists ${table}_versions_${t} on ${table}`)
    await knex.raw(`drop function if exists bump_versions_${table}()`)
  }
  await knex.raw(`create table app_meta (id integer primary key default 1 check (id = 1), data_version bigint not null default 0)`)
  await knex.raw('insert into app_meta (id, data_version) select 1, coalesce(sum(version), 0) from data_versions')
  await knex.raw('drop table data_versions')
  await globalVersionTriggers(knex)
}
