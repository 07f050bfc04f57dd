/**
 * Vector tiles: the features of a layer touching a tile, in the caller's scope, with their
 * few stable attributes (no metrics: colours come from the coverage JSON by feature-state).
 *
 * Both encodings select the same rows with the same SQL (`features`): scope by code prefix,
 * the tile envelope grown by the buffer (GiST-indexed `&&`, then an exact `ST_Intersects`),
 * geometry in Web Mercator simplified per zoom (`simplifyTolerance`). Then either
 * - PostGIS encodes (`ST_AsMVTGeom` + `ST_AsMVT`; PostgreSQL only: the embedded PGlite is
 *   built without protobuf-c, where both functions fail), or
 * - the rows come back clipped (`ST_ClipByBox2D`) as GeoJSON, encoded by the tiles service
 *   in JavaScript (geojson-vt + vt-pbf).
 */
import type { Knex } from 'knex'
import type { TileLayerName } from '../contract/requests.js'
import { under } from './scope.js'

/** Tile extent (coordinate units per tile side) and buffer (units beyond each edge), as most tile servers use. */
export const TILE_EXTENT = 4096
export const TILE_BUFFER = 64
/**
 * Douglas-Peucker tolerance in tile units: 8 of 4096 is half a pixel of a tile drawn 256
 * pixels wide (a quarter of one drawn 512 wide), below what the eye sees at that zoom. A
 * polygon it collapses (smaller than about that) is left out of the tile. Each feature is
 * simplified on its own (PostGIS 3.3 has no coverage simplification), so neighbours may
 * show hairline gaps at low zooms.
 */
export const SIMPLIFY_UNITS = 8
const WEB_MERCATOR_WIDTH = 2 * 20037508.342789244

/** The simplification tolerance at zoom `z`, in metres of Web Mercator (EPSG:3857). */
export function simplifyTolerance(z: number): number {
  return (WEB_MERCATOR_WIDTH / 2 ** z / TILE_EXTENT) * SIMPLIFY_UNITS
}

/** The version-counter groups whose rows decide a layer's tiles (migration 0016). */
export const LAYER_GROUPS: Record<TileLayerName, string[]> = {
  villages: ['divisions'],
  towns: ['divisions'],
  counties: ['divisions'],
  cities: ['divisions'],
  // A grid unit's outline is the union of its villages'.
  'grid-units': ['grid-units', 'divisions'],
  stations: ['stations'],
  'service-points': ['service-points'],
}

const DIVISION_LEVEL: Partial<Record<TileLayerName, string>> = { villages: 'village', towns: 'town', counties: 'county', cities: 'city' }

interface LayerSql {
  /** Selects `fid` (or nothing), the attribute columns and `g` (EPSG:3857) from `box`; binds the scope pattern, then the tolerance. */
  sql: string
  attributes: string[]
  /** Whether `fid` is a numeric feature id. */
  numericId: boolean
}

const touches = (geom: string) => `${geom} && box.eb4326 and ST_Intersects(${geom}, box.eb4326)`

function layerSql(layer: TileLayerName): LayerSql {
  const level = DIVISION_LEVEL[layer]
  if (level) {
    return {
      sql: `select d.code::bigint as fid, d.code, d.name, d.level, d.parent_code as "parentCode",
                   ST_Simplify(ST_Transform(d.geom, 3857), ?::float8) as g
              from divisions d, box
             where d.level = '${level}' and d.code like ? and ${touches('d.geom')}`,
      attributes: ['code', 'name', 'level', 'parentCode'],
      numericId: true,
    }
  }
  switch (layer) {
    case 'grid-units':
      return {
        sql: `select u.id, u.town_code as code, u.name, u.station_id as "stationId",
                     ST_Simplify(ST_Transform(ST_Multi(ST_Union(d.geom)), 3857), ?::float8) as g
                from grid_units u
                join grid_unit_villages gv on gv.grid_unit_id = u.id
                join divisions d on d.code = gv.village_code
               where u.town_code like ? and u.id in (
                     select t.grid_unit_id from grid_unit_villages t join divisions td on td.code = t.village_code, box
                      where ${touches('td.geom')})
               group by u.id`,
        attributes: ['id', 'code', 'name', 'stationId'],
        numericId: false,
      }
    case 'stations':
      // One station per town: its town code is a stable numeric id.
      return {
        sql: `select s.town_code::bigint as fid, s.id, s.town_code as code, s.name, ST_Transform(s.geom, 3857) as g
                from stations s, box
               where ?::float8 is not null and s.town_code like ? and s.geom && box.eb4326`,
        attributes: ['id', 'code', 'name'],
        numericId: true,
      }
    case 'service-points':
      return {
        sql: `select p.id, p.village_code as code, p.name, p.grid_unit_id as "gridUnitId", p.station_id as "stationId", ST_Transform(p.geom, 3857) as g
                from service_points p, box
               where ?::float8 is not null and p.village_code like ? and p.geom && box.eb4326`,
        attributes: ['id', 'code', 'name', 'gridUnitId', 'stationId'],
        numericId: false,
      }
    default:
      throw new Error(`no SQL for layer ${layer}`)
  }
}

/** The attribute names of a layer's features, and whether they carry a numeric feature id. */
export function layerAttributes(layer: TileLayerName): { attributes: string[]; numericId: boolean } {
  const { attributes, numericId } = layerSql(layer)
  return { attributes, numericId }
}

export interface TileAddress {
  z: number
  x: number
  y: number
}

/** `box`: the tile envelope `e`, grown by the buffer `eb` (EPSG:3857), and `eb` in EPSG:4326 for the indexes. */
const BOX = `box as (
  select e, eb, ST_Transform(eb, 4326) as eb4326
    from (select ST_TileEnvelope(?, ?, ?) as e, ST_TileEnvelope(?, ?, ?, margin => ?::float8) as eb) t)`

function featuresQuery(layer: TileLayerName, t: TileAddress, scope: string): { cte: string; bindings: (string | number)[]; spec: LayerSql } {
  const spec = layerSql(layer)
  return {
    // A polygon the zoom's simplification collapses (smaller than the tolerance) is left out.
    cte: `with ${BOX}, features as (select * from (${spec.sql}) s where s.g is not null and not ST_IsEmpty(s.g))`,
    bindings: [t.z, t.x, t.y, t.z, t.x, t.y, TILE_BUFFER / TILE_EXTENT, simplifyTolerance(t.z), under(scope)],
    spec,
  }
}

/** The tile encoded by PostGIS (PostgreSQL only); empty bytes when no feature touches it. */
export async function postgisTile(knex: Knex, layer: TileLayerName, t: TileAddress, scope: string): Promise<Buffer> {
  const { cte, bindings, spec } = featuresQuery(layer, t, scope)
  const columns = spec.attributes.map((a) => `f."${a}"`).join(', ')
  const { rows } = await knex.raw(
    `${cte}
     select ST_AsMVT(m, ?, ${TILE_EXTENT}, 'geom'${spec.numericId ? ", 'fid'" : ''}) as tile
       from (select ${columns}${spec.numericId ? ', f.fid' : ''}, ST_AsMVTGeom(f.g, box.e, ${TILE_EXTENT}, ${TILE_BUFFER}, true) as geom
               from features f, box) m
      where m.geom is not null`,
    [...bindings, layer],
  )
  return rows[0]?.tile ?? Buffer.alloc(0)
}

export interface TileFeatureRow {
  fid: number | null
  attributes: Record<string, string | null>
  /** GeoJSON geometry (EPSG:4326), clipped to the buffered tile. */
  geometry: GeoJSON.Geometry
}

/** The features of a tile, simplified and clipped in SQL, as GeoJSON for an encoder in JavaScript. */
export async function tileFeatures(knex: Knex, layer: TileLayerName, t: TileAddress, scope: string): Promise<TileFeatureRow[]> {
  const { cte, bindings, spec } = featuresQuery(layer, t, scope)
  const columns = spec.attributes.map((a) => `f."${a}"`).join(', ')
  // Points need no clipping (the && filter keeps only those inside the buffered tile).
  const { rows } = await knex.raw(
    `${cte}
     select ${columns}${spec.numericId ? ', f.fid' : ''},
            ST_AsGeoJSON(ST_Transform(case when ST_Dimension(f.g) = 0 then f.g else ST_ClipByBox2D(f.g, box.eb) end, 4326), 9) as geojson
       from features f, box`,
    bindings,
  )
  const out: TileFeatureRow[] = []
  for (const r of rows as Record<string, string | number | null>[]) {
    const geometry = JSON.parse(String(r.geojson)) as GeoJSON.Geometry
    if ('coordinates' in geometry && geometry.coordinates.length === 0) continue
    out.push({ fid: spec.numericId ? Number(r.fid) : null, attributes: Object.fromEntries(spec.attributes.map((a) => [a, (r[a] as string | null) ?? null])), geometry })
  }
  return out
}

/** The geometry version of a layer in a scope ('' = the nation): the sum of its groups' counters over the scope's keys. */
export async function geometryVersion(knex: Knex, layer: TileLayerName, scope: string): Promise<number> {
  const { rows } = await knex.raw(
    `select coalesce(sum(version), 0) as v from geometry_versions
      where grp = any(?) and (code like ?::text || '%' or ?::text like code || '%')`,
    [LAYER_GROUPS[layer], scope, scope],
  )
  return Number(rows[0].v)
}

/** The bounds [west, south, east, north] of a scope's outline ('' = every province), or null when it has none. */
export async function scopeBounds(knex: Knex, scope: string): Promise<[number, number, number, number] | null> {
  const { rows } = await knex.raw(
    `select ST_XMin(b) as w, ST_YMin(b) as s, ST_XMax(b) as e, ST_YMax(b) as n
       from (select ST_Extent(geom) as b from divisions where ${scope ? 'code = ?' : 'parent_code is null and ?::text is not null'}) t`,
    [scope],
  )
  const r = rows[0]
  return r && r.w !== null ? [Number(r.w), Number(r.s), Number(r.e), Number(r.n)] : null
}
