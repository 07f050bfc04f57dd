import type { Knex } from 'knex'

/**
 * Administrative divisions (city, county, town, village) keyed by their official
 * statistical code, and the special-group counts of each village.
 * A child's code starts with its parent's code (city 4 digits, county 6, town 9,
 * village 12), which scoped queries rely on (`code like '<scope>%'`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists postgis')
  await knex.raw(`
    create table divisions (
      code        text primary key,
      name        text not null check (length(name) between 1 and 100),
      level       text not null check (level in ('city', 'county', 'town', 'village')),
      parent_code text references divisions (code) on delete restrict,
      population  integer not null default 0 check (population >= 0),
      geom        geometry(MultiPolygon, 4326) not null check (ST_IsValid(geom) and not ST_IsEmpty(geom)),
      constraint divisions_code_matches_level check (
        (level = 'city' and code ~ '^[0-9]{4}$') or
        (level = 'county' and code ~ '^[0-9]{6}$') or
        (level = 'town' and code ~ '^[0-9]{9}$') or
        (level = 'village' and code ~ '^[0-9]{12}$')),
      constraint divisions_parent_is_prefix check (
        (level = 'city' and parent_code is null) or
        (level <> 'city' and parent_code is not null and starts_with(code, parent_code))),
      unique (code, parent_code)
    )`)
  await knex.raw('create index divisions_geom_idx on divisions using gist (geom)')
  await knex.raw('create index divisions_parent_idx on divisions (parent_code)')
  await knex.raw('create index divisions_code_prefix_idx on divisions (code text_pattern_ops)')

  await knex.raw(`
    create table village_special_groups (
      village_code           text primary key references divisions (code) on delete cascade
                             check (village_code ~ '^[0-9]{12}$'),
      dibao                  integer not null default 0 check (dibao >= 0),
      tekun                  integer not null default 0 check (tekun >= 0),
      disabled               integer not null default 0 check (disabled >= 0),
      children_in_difficulty integer not null default 0 check (children_in_difficulty >= 0),
      left_behind_children   integer not null default 0 check (left_behind_children >= 0),
      elderly_in_difficulty  integer not null default 0 check (elderly_in_difficulty >= 0),
      left_behind_women      integer not null default 0 check (left_behind_women >= 0)
    )`)

  // One row: the version of the data, bumped by every write that changes staffing or grids.
  await knex.raw(`
    create table app_meta (
      id           integer primary key default 1 check (id = 1),
      data_version bigint not null default 0
    )`)
  await knex.raw('insert into app_meta (id, data_version) values (1, 0)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists app_meta')
  await knex.raw('drop table if exists village_special_groups')
  await knex.raw('drop table if exists divisions')
}
