import type { Knex } from 'knex'

/**
 * Geometry versions for vector tiles (GET /tiles/...): what a tile holds (a feature's
 * geometry and its few stable attributes: code, name, level, parent, ids) changes far less
 * often than the data versions of migration 0009 (every edit, every plan apply), so tiles
 * get counters of their own, and their URLs stay valid across staffing changes.
 *
 * `geometry_versions` holds one counter per (tile group, version key); the keys are those of
 * `data_versions` (a county for the rows of a county or below, a city or province for its
 * own division row), so an import into one county leaves every other county's tile URLs
 * valid, and writers of different counties never wait for each other's counter rows.
 * Triggers (once per statement, transition tables) bump the keys of exactly the rows whose
 * tile columns changed: an update of a village's population, or of a worker, bumps nothing.
 * The version of a layer in a scope is the sum of its groups' counters over the scope's keys
 * (server/repositories/tiles.repository.ts).
 */

interface Source {
  group: 'divisions' | 'grid-units' | 'stations' | 'service-points'
  /** The version key of a row `x`. */
  key: string
  pk: string
  /** The columns a tile shows (geometry included). */
  columns: string[]
}

const SOURCES: Record<string, Source> = {
  divisions: { group: 'divisions', key: 'case when length(x.code) <= 6 then x.code else left(x.code, 6) end', pk: 'code', columns: ['geom', 'name', 'level', 'parent_code'] },
  grid_units: { group: 'grid-units', key: 'left(x.town_code, 6)', pk: 'id', columns: ['name', 'town_code', 'station_id'] },
  // A grid unit's geometry is the union of its villages.
  grid_unit_villages: { group: 'grid-units', key: 'left(x.town_code, 6)', pk: 'village_code', columns: ['grid_unit_id', 'town_code'] },
  stations: { group: 'stations', key: 'left(x.town_code, 6)', pk: 'id', columns: ['geom', 'name', 'town_code'] },
  service_points: { group: 'service-points', key: 'left(x.village_code, 6)', pk: 'id', columns: ['geom', 'name', 'village_code', 'grid_unit_id', 'station_id'] },
}

export const GEOMETRY_TABLES = Object.keys(SOURCES)

const bump = (group: string, keys: string) => `
  insert into geometry_versions (grp, code, version)
  select distinct '${group}', k, 1 from (${keys}) t(k) where k is not null
  on conflict (grp, code) do update set version = geometry_versions.version + 1`

/** Keys of the rows of `a` that have no identical row (pk and tile columns) in `b`. */
const changed = (s: Source, a: string, b: string) =>
  `select ${s.key} from ${a} x where not exists (select 1 from ${b} y where y.${s.pk} = x.${s.pk} and ${s.columns
    .map((c) => `y.${c} is not distinct from x.${c}`)
    .join(' and ')})`

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table geometry_versions (
      grp     text not null check (grp in ('divisions', 'grid-units', 'stations', 'service-points')),
      code    text not null check (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2}){0,1}){0,1}$'),
      version bigint not null check (version >= 0),
      primary key (grp, code)
    )`)
  // The rows already there count as version 1 of their keys.
  for (const [table, s] of Object.entries(SOURCES)) {
    await knex.raw(`insert into geometry_versions (grp, code, version) select distinct '${s.group}', ${s.key}, 1 from ${table} x on conflict do nothing`)
  }
  for (const [table, s] of Object.entries(SOURCES)) {
    await knex.raw(`
      create function bump_geometry_${table}() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then ${bump(s.group, `select ${s.key} from new_rows x`)};
        elsif tg_op = 'DELETE' then ${bump(s.group, `select ${s.key} from old_rows x`)};
        elsif tg_op = 'UPDATE' then ${bump(s.group, `${changed(s, 'old_rows', 'new_rows')} union all ${changed(s, 'new_rows', 'old_rows')}`)};
        else update geometry_versions set version = version + 1 where grp = '${s.group}';
        end if;
        return null;
      end $$`)
    await knex.raw(`create trigger ${table}_geometry_ins after insert on ${table} referencing new table as new_rows for each statement execute function bump_geometry_${table}()`)
    await knex.raw(`create trigger ${table}_geometry_del after delete on ${table} referencing old table as old_rows for each statement execute function bump_geometry_${table}()`)
    await knex.raw(
      `create trigger ${table}_geometry_upd after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function bump_geometry_${table}()`,
    )
    await knex.raw(`create trigger ${table}_geometry_trunc after truncate on ${table} for each statement execute function bump_geometry_${table}()`)
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of GEOMETRY_TABLES) {
    for (const t of ['ins', 'del', 'upd', 'trunc']) await knex.raw(`drop trigger if exists ${table}_geometry_${t} on ${table}`)
    await knex.raw(`drop function if exists bump_geometry_${table}()`)
  }
  await knex.raw('drop table if exists geometry_versions')
}
