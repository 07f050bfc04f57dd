import type { Knex } from 'knex'

/**
 * The programme's network: a station per town, its grid units, their villages and
 * service points, the workers and the supervisors. Composite foreign keys keep the
 * hierarchy consistent in the database itself: a grid unit's villages lie in the
 * station's town, a service point's host village in its town, and a worker at a point
 * belongs to the station that owns the point.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table stations (
      id        text primary key check (id ~ '^[a-z0-9-]{1,40}$'),
      town_code text not null unique check (town_code ~ '^[0-9]{9}$') references divisions (code),
      name      text not null check (length(name) between 1 and 100),
      geom      geometry(Point, 4326) not null check (ST_IsValid(geom)),
      unique (id, town_code)
    )`)
  await knex.raw('create index stations_geom_idx on stations using gist (geom)')

  await knex.raw(`
    create table grid_units (
      id         text primary key check (id ~ '^[a-z0-9-]{1,40}$'),
      station_id text not null,
      town_code  text not null,
      name       text not null check (length(name) between 1 and 100),
      foreign key (station_id, town_code) references stations (id, town_code) on delete cascade,
      unique (id, town_code),
      unique (id, station_id)
    )`)
  await knex.raw('create index grid_units_station_idx on grid_units (station_id)')

  // A village belongs to at most one grid unit (primary key), of its own town.
  await knex.raw(`
    create table grid_unit_villages (
      village_code text primary key,
      town_code    text not null,
      grid_unit_id text not null,
      foreign key (village_code, town_code) references divisions (code, parent_code),
      foreign key (grid_unit_id, town_code) references grid_units (id, town_code) on delete cascade
    )`)
  await knex.raw('create index grid_unit_villages_unit_idx on grid_unit_villages (grid_unit_id)')

  await knex.raw(`
    create table service_points (
      id           text primary key check (id ~ '^[a-z0-9-]{1,40}$'),
      grid_unit_id text not null,
      station_id   text not null,
      village_code text not null check (village_code ~ '^[0-9]{12}$') references divisions (code),
      name         text not null check (length(name) between 1 and 100),
      geom         geometry(Point, 4326) not null check (ST_IsValid(geom)),
      foreign key (grid_unit_id, station_id) references grid_units (id, station_id) on delete cascade,
      unique (id, station_id)
    )`)
  await knex.raw('create index service_points_geom_idx on service_points using gist (geom)')
  await knex.raw('create index service_points_unit_idx on service_points (grid_unit_id)')

  await knex.raw(`
    create table workers (
      id               text primary key check (id ~ '^[a-z0-9-]{1,40}$'),
      name             text not null check (length(name) between 1 and 100),
      post             text not null check (post in ('station', 'point')),
      station_id       text not null references stations (id),
      service_point_id text,
      certified        boolean not null default false,
      specialty        text check (specialty is null or length(specialty) between 1 and 50),
      home             geometry(Point, 4326) check (home is null or ST_IsValid(home)),
      hired_on         date,
      constraint workers_post_matches_point check ((post = 'point') = (service_point_id is not null)),
      foreign key (service_point_id, station_id) references service_points (id, station_id)
    )`)
  await knex.raw('create index workers_station_idx on workers (station_id)')
  await knex.raw('create index workers_point_idx on workers (service_point_id)')
  await knex.raw('create index workers_home_idx on workers using gist (home)')

  await knex.raw(`
    create table supervisors (
      id          text primary key check (id ~ '^[a-z0-9-]{1,40}$'),
      name        text not null check (length(name) between 1 and 100),
      county_code text not null check (county_code ~ '^[0-9]{6}$') references divisions (code),
      base        geometry(Point, 4326) not null check (ST_IsValid(base))
    )`)
  await knex.raw('create index supervisors_base_idx on supervisors using gist (base)')

  // A station has at most one supervisor.
  await knex.raw(`
    create table supervisor_stations (
      station_id    text primary key references stations (id) on delete cascade,
      supervisor_id text not null references supervisors (id) on delete cascade
    )`)
  await knex.raw('create index supervisor_stations_sup_idx on supervisor_stations (supervisor_id)')
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['supervisor_stations', 'supervisors', 'workers', 'service_points', 'grid_unit_villages', 'grid_units', 'stations']) {
    await knex.raw(`drop table if exists ${table}`)
  }
}
