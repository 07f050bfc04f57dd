import type { Knex } from 'knex'

/**
 * Personal read-only API tokens for GIS clients (README "OGC API and tokens"): a row keeps
 * the SHA-256 of the token, never the token. The token is 32 random bytes (256 bits), so
 * no dictionary or brute-force search can find it from its hash: a slow password hash
 * would add nothing, and a plain hash can be looked up by an index on every request.
 * Revoking deletes the row (the audit log keeps the record), and a deleted user's tokens
 * go with it (on delete cascade), so neither can be used a moment later.
 *
 * Also makes sure spatial_ref_sys holds the CRSs the OGC API transforms to (CGCS2000
 * EPSG:4490 and Web Mercator EPSG:3857): PostGIS 3.3 on PostgreSQL 15 and PGlite's PostGIS
 * 3.6 both ship them (checked), so these inserts add nothing there; they guard a database
 * whose table was trimmed. They are left in place by `down` (the table is PostGIS's).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table api_tokens (
      id           uuid primary key default gen_random_uuid(),
      user_id      bigint not null references users (id) on delete cascade,
      name         text not null check (length(name) between 1 and 100),
      token_hash   text not null unique,
      created_at   timestamptz not null default now(),
      expires_at   timestamptz not null,
      last_used_at timestamptz
    )`)
  await knex.raw('create index api_tokens_user_idx on api_tokens (user_id)')
  for (const [srid, srtext, proj4] of SRS) {
    await knex.raw(
      `insert into spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
       select ?, 'EPSG', ?, ?, ? where not exists (select 1 from spatial_ref_sys where srid = ?)`,
      [srid, srid, srtext, proj4, srid],
    )
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists api_tokens')
}

/** EPSG's definitions, as PostGIS ships them (srtext shortened to the parts PROJ reads). */
const SRS: [number, string, string][] = [
  [
    4490,
    'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]',
    '+proj=longlat +ellps=GRS80 +no_defs',
  ],
  [
    3857,
    'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]',
    '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
  ],
]
