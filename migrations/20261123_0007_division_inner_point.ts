import type { Knex } from 'knex'

/**
 * A point inside each division (ST_PointOnSurface), kept by the database as a stored
 * generated column: coverage measures every village's distance to its service point from
 * it, and computing it anew per request was most of the time of a city's coverage report.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table divisions
      add column inner_point geometry(Point, 4326) generated always as (ST_PointOnSurface(geom)) stored`)
  await knex.raw('create index divisions_inner_point_idx on divisions using gist (inner_point)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists divisions_inner_point_idx')
  await knex.raw('alter table divisions drop column if exists inner_point')
}
