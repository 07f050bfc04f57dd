import type { Knex } from 'knex'

/**
 * A province level above the cities (geodata/codes.ts: province 2 digits): every city now
 * has its province as parent, so a user scoped to `44` sees one division with an outline
 * and a summary, like any other scope. Existing cities get their province, its outline the
 * union of theirs and its population their sum (the seeder keeps it so; see insertDataset).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table divisions
      drop constraint divisions_level_check,
      drop constraint divisions_code_matches_level,
      drop constraint divisions_parent_is_prefix`)
  await knex.raw(`
    alter table divisions
      add constraint divisions_level_check check (level in ('province', 'city', 'county', 'town', 'village')),
      add constraint divisions_code_matches_level check (
        (level = 'province' and code ~ '^[0-9]{2}$') or
        (level = 'city' and code ~ '^[0-9]{4}$') or
        (level = 'county' and code ~ '^[0-9]{6}$') or
        (level = 'town' and code ~ '^[0-9]{9}$') or
        (level = 'village' and code ~ '^[0-9]{12}$'))`)
  await knex.raw(`
    insert into divisions (code, name, level, parent_code, population, geom)
    select left(code, 2), case left(code, 2) when '44' then '广东省' else left(code, 2) end, 'province', null,
           sum(population), ST_Multi(ST_Union(geom))
      from divisions where level = 'city' group by left(code, 2)`)
  await knex.raw(`update divisions set parent_code = left(code, 2) where level = 'city'`)
  await knex.raw(`
    alter table divisions add constraint divisions_parent_is_prefix check (
      (level = 'province' and parent_code is null) or
      (level <> 'province' and parent_code is not null and starts_with(code, parent_code)))`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table divisions
      drop constraint divisions_level_check,
      drop constraint divisions_code_matches_level,
      drop constraint divisions_parent_is_prefix`)
  await knex.raw(`update divisions set parent_code = null where level = 'city'`)
  await knex.raw(`delete from divisions where level = 'province'`)
  await knex.raw(`
    alter table divisions
      add constraint divisions_level_check check (level in ('city', 'county', 'town', 'village')),
      add constraint divisions_code_matches_level check (
        (level = 'city' and code ~ '^[0-9]{4}$') or
        (level = 'county' and code ~ '^[0-9]{6}$') or
        (level = 'town' and code ~ '^[0-9]{9}$') or
        (level = 'village' and code ~ '^[0-9]{12}$')),
      add constraint divisions_parent_is_prefix check (
        (level = 'city' and parent_code is null) or
        (level <> 'city' and parent_code is not null and starts_with(code, parent_code)))`)
}
