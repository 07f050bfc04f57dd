/**
 * Bulk writes of a whole dataset (the demo generator's output or an import) and the
 * table fingerprint used to prove that seeding is deterministic.
 */
import type { Knex } from 'knex'
import type { Dataset, LngLat } from '../../geodata/types.js'
import { SPECIAL_GROUPS } from '../../solver/policy.js'
import { lockCounties } from './meta.repository.js'

const BATCH = 400

const point = (knex: Knex, p: LngLat) => knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [p[0], p[1]])

async function insertBatched(trx: Knex.Transaction, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await trx(table).insert(rows.slice(i, i + BATCH))
}

/** Inserts a dataset in one transaction; parents before children; then refreshes the planner's statistics. */
export async function insertDataset(knex: Knex, data: Dataset): Promise<void> {
  await insertRows(knex, data)
  await analyzeNetwork(knex)
}

/**
 * Refreshes the query planner's statistics of the network tables. Needed after a bulk load:
 * without them PostgreSQL guesses row counts and picks slow plans (a city's coverage facts
 * took 262 ms instead of 51 ms on the embedded database), and PGlite has no autovacuum
 * daemon that would analyze the tables later.
 */
export async function analyzeNetwork(knex: Knex): Promise<void> {
  await knex.raw(`analyze ${DATA_TABLES.join(', ')}`)
}

async function insertRows(knex: Knex, data: Dataset): Promise<void> {
  await knex.transaction(async (trx) => {
    await lockCounties(trx, '')
    const rows = data.divisions.map((d) => ({
      code: d.code,
      name: d.name,
      level: d.level,
      parent_code: d.parentCode,
      population: d.population,
      // ST_Multi keeps a stray Polygon acceptable; validity is enforced by the table.
      geom: trx.raw('ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))', [JSON.stringify(d.geometry)]),
    }))
    // A province already there (another city of it was loaded before) grows by this dataset's cities.
    for (const province of rows.filter((r) => r.level === 'province')) {
      await trx('divisions')
        .insert(province)
        .onConflict('code')
        .merge({
          population: trx.raw('divisions.population + excluded.population'),
          geom: trx.raw('ST_Multi(ST_Union(divisions.geom, excluded.geom))'),
        })
    }
    await insertBatched(trx, 'divisions', rows.filter((r) => r.level !== 'province'))
    await insertBatched(
      trx,
      'village_special_groups',
      data.villageGroups.map((g) => {
        const row: Record<string, unknown> = { village_code: g.villageCode }
        for (const group of SPECIAL_GROUPS) row[group] = g[group]
        return row
      }),
    )
    const townOfStation = new Map(data.stations.map((s) => [s.id, s.townCode]))
    await insertBatched(
      trx,
      'stations',
      data.stations.map((s) => ({ id: s.id, town_code: s.townCode, name: s.name, geom: point(trx, s.location) })),
    )
    await insertBatched(
      trx,
      'grid_units',
      data.gridUnits.map((u) => ({ id: u.id, station_id: u.stationId, town_code: townOfStation.get(u.stationId), name: u.name })),
    )
    await insertBatched(
      trx,
      'grid_unit_villages',
      data.gridUnits.flatMap((u) =>
        u.villageCodes.map((v) => ({ village_code: v, town_code: townOfStation.get(u.stationId), grid_unit_id: u.id })),
      ),
    )
    const stationOfUnit = new Map(data.gridUnits.map((u) => [u.id, u.stationId]))
    await insertBatched(
      trx,
      'service_points',
      data.servicePoints.map((p) => ({
        id: p.id,
        grid_unit_id: p.gridUnitId,
        station_id: stationOfUnit.get(p.gridUnitId),
        village_code: p.villageCode,
        name: p.name,
        geom: point(trx, p.location),
      })),
    )
    await insertBatched(
      trx,
      'workers',
      data.workers.map((w) => ({
        id: w.id,
        name: w.name,
        post: w.post,
        station_id: w.stationId,
        service_point_id: w.servicePointId,
        certified: w.certified,
        specialty: w.specialty,
        home: point(trx, w.home),
        hired_on: w.hiredOn,
      })),
    )
    await insertBatched(
      trx,
      'supervisors',
      data.supervisors.map((s) => ({ id: s.id, name: s.name, county_code: s.countyCode, base: point(trx, s.base) })),
    )
    await insertBatched(
      trx,
      'supervisor_stations',
      data.supervisors.flatMap((s) => s.stationIds.map((id) => ({ station_id: id, supervisor_id: s.id }))),
    )
  })
}

/** Tables in dependency order (children last), as the seeder writes them. */
export const DATA_TABLES = [
  'divisions',
  'village_special_groups',
  'stations',
  'grid_units',
  'grid_unit_villages',
  'service_points',
  'workers',
  'supervisors',
  'supervisor_stations',
] as const

/** Deletes every row of the data tables (not the audit log), in one transaction. */
export async function clearDataset(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await lockCounties(trx, '')
    for (const table of [...DATA_TABLES].reverse()) await trx(table).del()
  })
}

/** md5 of every row of every data table in primary-key order: equal data ⇔ equal hashes. */
export async function tableHashes(knex: Knex): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const table of DATA_TABLES) {
    // A row's text form includes geometry as hex EWKB, so equal hashes mean equal bytes.
    const result = await knex.raw(
      `select coalesce(md5(string_agg(t::text, '|' order by t::text)), 'empty') as h from ${table} t`,
    )
    out[table] = result.rows[0].h
  }
  return out
}

/** Number of divisions per level. */
export async function countDivisions(knex: Knex): Promise<Record<string, number>> {
  const rows: { level: string; n: number }[] = (
    await knex.raw('select level, count(*)::int as n from divisions group by level')
  ).rows
  return Object.fromEntries(rows.map((r) => [r.level, r.n]))
}
