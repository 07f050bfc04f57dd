/**
 * OGC API – Features: the features of a collection in a scope, as GeoJSON in the asked
 * CRS, filtered by a box and properties, one page at a time (ordered by id, so pages are
 * stable), and counted. Coordinates are transformed by PostGIS (`ST_Transform`); the EPSG
 * axis order of EPSG:4326 and EPSG:4490 (latitude first) by `ST_FlipCoordinates`.
 */
import type { Knex } from 'knex'
import { SPECIAL_GROUPS } from '../../solver/policy.js'
import type { OgcCollectionId, OgcFilterName } from '../contract/ogc.js'
import { under } from './scope.js'

/** How a query asks for coordinates: the SRID, whether latitude comes first, and the decimals kept. */
export interface OutputCrs {
  srid: number
  latFirst: boolean
  decimals: number
}

/** A box in EPSG:4326 longitude/latitude; `west > east` crosses the antimeridian. */
export interface LonLatBox {
  west: number
  south: number
  east: number
  north: number
}

/** The coverage of each village (for the villages and coverage collections), by village code. */
export type VillageStatuses = Record<string, { status: string; servicePointId: string | null; distanceKm: number | null }>

export interface FeatureQuery {
  collection: OgcCollectionId
  scope: string
  bbox?: { box: LonLatBox; srid: number }
  filters: Partial<Record<OgcFilterName, string>>
  /** A single feature by id. */
  id?: string
  crs: OutputCrs
  limit: number
  offset: number
  statuses?: VillageStatuses
}

export interface FeatureRow {
  id: string
  properties: Record<string, unknown>
  geometry: GeoJSON.Geometry | null
}

const groups = SPECIAL_GROUPS.map((g) => `coalesce(g.${g}, 0)::int as "${g}"`).join(', ')
const villageCounts = `(select parent_code, count(*)::int as n, sum(population)::bigint as pop from divisions where level = 'village' group by parent_code)`

/**
 * Each collection as one select: `fid` (the feature id), its properties, `geom` (EPSG:4326)
 * and the filter columns (`scope_code`, a code to match the scope by prefix; `county`,
 * `town`, `city`, `status`, `station`, `grid_unit` where the collection has them).
 */
function collectionSql(collection: OgcCollectionId): { sql: string; properties: string[] } {
  switch (collection) {
    case 'villages':
    case 'coverage':
      return {
        sql: `select v.code as fid, v.code, v.name, v.parent_code as "townCode", left(v.code, 6) as "countyCode", v.population, ${groups},
                     m.grid_unit_id as "gridUnitId", st.sp as "servicePointId", st.km as "distanceKm", st.status,
                     v.geom, v.code as scope_code, left(v.code, 6) as county, v.parent_code as town, st.status as status_filter
                from divisions v
                left join village_special_groups g on g.village_code = v.code
                left join grid_unit_villages m on m.village_code = v.code
                left join st on st.code = v.code
               where v.level = 'village'${collection === 'coverage' ? " and st.status <> 'ok'" : ''}`,
        properties: ['code', 'name', 'townCode', 'countyCode', 'population', ...SPECIAL_GROUPS, 'gridUnitId', 'servicePointId', 'distanceKm', 'status'],
      }
    case 'towns':
      return {
        sql: `select t.code as fid, t.code, t.name, t.parent_code as "countyCode", coalesce(c.n, 0) as villages, coalesce(c.pop, 0)::float8 as population,
                     t.geom, t.code as scope_code, t.parent_code as county, left(t.code, 4) as city
                from divisions t left join ${villageCounts} c on c.parent_code = t.code
               where t.level = 'town'`,
        properties: ['code', 'name', 'countyCode', 'villages', 'population'],
      }
    case 'counties':
      return {
        sql: `select k.code as fid, k.code, k.name, k.parent_code as "cityCode",
                     (select count(*)::int from divisions t where t.parent_code = k.code) as towns,
                     coalesce(c.n, 0)::int as villages, coalesce(c.pop, 0)::float8 as population,
                     k.geom, k.code as scope_code, k.parent_code as city
                from divisions k
                left join (select left(parent_code, 6) as county, sum(n)::int as n, sum(pop)::bigint as pop from ${villageCounts} x group by 1) c on c.county = k.code
               where k.level = 'county'`,
        properties: ['code', 'name', 'cityCode', 'towns', 'villages', 'population'],
      }
    case 'stations':
      return {
        sql: `select s.id as fid, s.id, s.name, s.town_code as "townCode", left(s.town_code, 6) as "countyCode",
                     (select count(*)::int from workers w where w.station_id = s.id and w.post = 'station') as "adminPosts",
                     (select count(*)::int from workers w where w.station_id = s.id and w.post = 'point') as "servicePosts",
                     (select count(*)::int from grid_units u where u.station_id = s.id) as "gridUnits",
                     s.geom, s.town_code as scope_code, left(s.town_code, 6) as county, s.town_code as town
                from stations s`,
        properties: ['id', 'name', 'townCode', 'countyCode', 'adminPosts', 'servicePosts', 'gridUnits'],
      }
    case 'grid-units':
      return {
        sql: `select u.id as fid, u.id, u.name, u.town_code as "townCode", left(u.town_code, 6) as "countyCode", u.station_id as "stationId",
                     count(gv.village_code)::int as villages, ST_Multi(ST_Union(d.geom)) as geom,
                     u.town_code as scope_code, left(u.town_code, 6) as county, u.town_code as town, u.station_id as station
                from grid_units u
                left join grid_unit_villages gv on gv.grid_unit_id = u.id
                left join divisions d on d.code = gv.village_code
               group by u.id`,
        properties: ['id', 'name', 'townCode', 'countyCode', 'stationId', 'villages'],
      }
    case 'service-points':
      return {
        sql: `select p.id as fid, p.id, p.name, p.village_code as "villageCode", left(p.village_code, 9) as "townCode", left(p.village_code, 6) as "countyCode",
                     p.grid_unit_id as "gridUnitId", p.station_id as "stationId",
                     (select count(*)::int from workers w where w.service_point_id = p.id) as workers,
                     p.geom, p.village_code as scope_code, left(p.village_code, 6) as county, left(p.village_code, 9) as town,
                     p.station_id as station, p.grid_unit_id as grid_unit
                from service_points p`,
        properties: ['id', 'name', 'villageCode', 'townCode', 'countyCode', 'gridUnitId', 'stationId', 'workers'],
      }
  }
}

/** The filter column of each property filter. */
const FILTER_COLUMNS: Record<OgcFilterName, string> = { city: 'city', county: 'county', town: 'town', status: 'status_filter', station: 'station', gridUnit: 'grid_unit' }

/** The envelope(s) of a box, in its own SRID, as SQL binding `srid` once per envelope. */
function boxSql(b: { box: LonLatBox; srid: number }): { sql: string; bindings: number[] } {
  const { west, south, east, north } = b.box
  const env = (w: number, e: number) => ({ sql: 'ST_MakeEnvelope(?, ?, ?, ?, ?)', bindings: [w, south, e, north, b.srid] })
  if (west <= east || b.srid === 3857) {
    const one = env(west, east)
    return { sql: `ST_Transform(${one.sql}, 4326)`, bindings: one.bindings }
  }
  // Across the antimeridian: the part east of `west` and the part west of `east`.
  const [a, c] = [env(west, 180), env(-180, east)]
  return { sql: `ST_Transform(ST_Collect(${a.sql}, ${c.sql}), 4326)`, bindings: [...a.bindings, ...c.bindings] }
}

function whereOf(q: FeatureQuery): { cte: string; where: string; bindings: (string | number)[] } {
  const bindings: (string | number)[] = [JSON.stringify(q.statuses ?? {})]
  const cte = `with st as (select key as code, value->>'status' as status, value->>'servicePointId' as sp, (value->>'distanceKm')::float8 as km from json_each(?::json))`
  const conds = ['f.scope_code like ?']
  bindings.push(under(q.scope))
  if (q.id !== undefined) {
    conds.push('f.fid = ?')
    bindings.push(q.id)
  }
  for (const [name, value] of Object.entries(q.filters) as [OgcFilterName, string][]) {
    conds.push(`f.${FILTER_COLUMNS[name]} = ?`)
    bindings.push(value)
  }
  if (q.bbox) {
    const box = boxSql(q.bbox)
    conds.push(`f.geom && b.g and ST_Intersects(f.geom, b.g)`)
    return { cte: `${cte}, box as (select ${box.sql} as g)`, where: `from (${collectionSql(q.collection).sql}) f, box b where ${conds.join(' and ')}`, bindings: [bindings[0], ...box.bindings, ...bindings.slice(1)] }
  }
  return { cte, where: `from (${collectionSql(q.collection).sql}) f where ${conds.join(' and ')}`, bindings }
}

/** One page of features (ordered by id) in the asked CRS. */
export async function features(knex: Knex, q: FeatureQuery): Promise<FeatureRow[]> {
  const { cte, where, bindings } = whereOf(q)
  const { properties } = collectionSql(q.collection)
  const transformed = q.crs.srid === 4326 ? 'f.geom' : `ST_Transform(f.geom, ${Number(q.crs.srid)})`
  const geom = q.crs.latFirst ? `ST_FlipCoordinates(${transformed})` : transformed
  const { rows } = await knex.raw(
    `${cte}
     select f.fid, ${properties.map((p) => `f."${p}"`).join(', ')}, ST_AsGeoJSON(${geom}, ${Number(q.crs.decimals)}, 0) as geojson
       ${where}
      order by f.fid
      limit ? offset ?`,
    [...bindings, q.limit, q.offset],
  )
  return (rows as Record<string, unknown>[]).map((r) => ({
    id: String(r.fid),
    properties: Object.fromEntries(properties.map((p) => [p, r[p] ?? null])),
    geometry: r.geojson ? (JSON.parse(String(r.geojson)) as GeoJSON.Geometry) : null,
  }))
}

/** How many features match (every page together). */
export async function countFeatures(knex: Knex, q: FeatureQuery): Promise<number> {
  const { cte, where, bindings } = whereOf(q)
  const { rows } = await knex.raw(`${cte} select count(*)::int as n ${where}`, bindings)
  return Number(rows[0].n)
}
