/**
 * OGC API – Features (README "OGC API and tokens"): the landing page, conformance,
 * collections and their features, for the caller's scope (session cookie or API token).
 * Parameters are checked here (400 naming the field; a filter a collection does not take
 * is an unknown parameter, /req/core/query-param-unknown), the links built, and the
 * villages' coverage status taken from the coverage service (cached by data version).
 * SQL is in ogc.repository.ts.
 */
import type { Knex } from 'knex'
import { countyOf, isWithin } from '../../geodata/codes.js'
import type { SessionUser } from '../auth/roles.js'
import {
  CONFORMANCE_CLASSES,
  CRS84,
  OGC_COLLECTIONS,
  OGC_CRS,
  OGC_LIMIT_DEFAULT,
  type OgcCollectionId,
  type OgcCrs,
  type OgcFilterName,
  type OgcItemsQuery,
} from '../contract/ogc.js'
import { BadRequest, NotFound } from '../errors.js'
import { countFeatures, features, type FeatureQuery, type LonLatBox, type OutputCrs, type VillageStatuses } from '../repositories/ogc.repository.js'
import { scopeBounds } from '../repositories/tiles.repository.js'
import { coverageOf } from './coverage.service.js'
import { listRoots } from '../repositories/divisions.repository.js'
import type { VersionedCache } from './versioned.cache.js'
import type { z } from 'zod'

export const GEOJSON = 'application/geo+json'
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0'

interface CollectionInfo {
  title: string
  description: string
  queryables: OgcFilterName[]
  /** Feature ids: division codes of this many digits, else entity ids. */
  idDigits?: number
}

const COLLECTIONS: Record<OgcCollectionId, CollectionInfo> = {
  villages: {
    title: 'Villages 村/居',
    description: 'Villages with population, the seven special groups, grid unit, service point, straight-line distance to it (km) and coverage status (uncovered, far, overloaded, ok); id = the 12-digit code',
    queryables: ['county', 'town', 'status'],
    idDigits: 12,
  },
  towns: { title: 'Towns 乡镇/街道', description: 'Towns with their number of villages and population; id = the 9-digit code', queryables: ['city', 'county'], idDigits: 9 },
  counties: { title: 'Counties 县/区', description: 'Counties with their towns, villages and population; id = the 6-digit code', queryables: ['city'], idDigits: 6 },
  stations: { title: 'Stations 社工站', description: 'Stations (one per town) with administrative and service posts and grid units', queryables: ['county', 'town'] },
  'grid-units': { title: 'Grid units 网格', description: 'Grid units (geometry: the union of their villages) with station and number of villages', queryables: ['county', 'town', 'station'] },
  'service-points': { title: 'Service points 社工点', description: 'Service points with their host village, grid unit, station and workers', queryables: ['county', 'town', 'station', 'gridUnit'] },
  coverage: {
    title: 'Coverage gaps 覆盖缺口',
    description: 'The villages whose coverage status is not ok (uncovered, far, overloaded), with the properties of the villages collection',
    queryables: ['county', 'town', 'status'],
    idDigits: 12,
  },
}

/** How each CRS is written: EPSG:4326 and EPSG:4490 are latitude first (EPSG axis order), CRS84 and EPSG:3857 x first. */
const OUTPUT: Record<OgcCrs, OutputCrs> = {
  [CRS84]: { srid: 4326, latFirst: false, decimals: 7 },
  'http://www.opengis.net/def/crs/EPSG/0/4490': { srid: 4490, latFirst: true, decimals: 7 },
  'http://www.opengis.net/def/crs/EPSG/0/4326': { srid: 4326, latFirst: true, decimals: 7 },
  'http://www.opengis.net/def/crs/EPSG/0/3857': { srid: 3857, latFirst: false, decimals: 2 },
}

const link = (href: string, rel: string, type: string, title?: string) => ({ href, rel, type, ...(title ? { title } : {}) })

export function landingPage(origin: string) {
  const base = `${origin}/ogc`
  return {
    title: 'Shuangbai Grid OGC API – Features 双百网格',
    description: 'Villages, towns, counties, stations, grid units, service points and coverage gaps of the caller\'s scope (synthetic demo geometry on real county outlines)',
    links: [
      link(`${base}?f=json`, 'self', 'application/json', 'This document'),
      link(`${base}/api`, 'service-desc', OPENAPI_TYPE, 'The API definition (OpenAPI 3.0)'),
      link(`${base}/conformance`, 'conformance', 'application/json', 'Conformance classes'),
      link(`${base}/collections`, 'data', 'application/json', 'Collections'),
    ],
  }
}

export const conformance = () => ({ conformsTo: [...CONFORMANCE_CLASSES] })

async function describe(knex: Knex, user: SessionUser, id: OgcCollectionId, origin: string, bounds?: [number, number, number, number] | null) {
  const info = COLLECTIONS[id]
  const b = bounds === undefined ? await scopeBounds(knex, user.scope) : bounds
  const items = `${origin}/ogc/collections/${id}/items`
  return {
    id,
    title: info.title,
    description: info.description,
    itemType: 'feature' as const,
    // The scope's outline: every feature of the collection in the scope lies within it.
    extent: { spatial: { bbox: [b ?? [-180, -90, 180, 90]], crs: CRS84 } },
    crs: [...OGC_CRS],
    storageCrs: CRS84,
    queryables: info.queryables,
    links: [
      link(`${origin}/ogc/collections/${id}`, 'self', 'application/json', info.title),
      link(items, 'items', GEOJSON, `${info.title} (GeoJSON)`),
    ],
  }
}

export async function collections(knex: Knex, user: SessionUser, origin: string) {
  const bounds = await scopeBounds(knex, user.scope)
  return {
    links: [link(`${origin}/ogc/collections`, 'self', 'application/json', 'Collections')],
    collections: await Promise.all(OGC_COLLECTIONS.map((id) => describe(knex, user, id, origin, bounds))),
    crs: [...OGC_CRS],
  }
}

export const collection = (knex: Knex, user: SessionUser, id: OgcCollectionId, origin: string) => describe(knex, user, id, origin)

/** A bbox parameter as a box in longitude/latitude order of its CRS (the 2D corners of a 6-number box). */
export function parseBbox(text: string, crs: OgcCrs): { box: LonLatBox; srid: number } {
  const n = text.split(',').map(Number)
  const [x1, y1, x2, y2] = n.length === 6 ? [n[0]!, n[1]!, n[3]!, n[4]!] : (n as [number, number, number, number])
  const out = OUTPUT[crs]
  if (out.srid === 3857) {
    if (x1 > x2 || y1 > y2) throw new BadRequest('query parameter bbox: minx,miny,maxx,maxy with minx ≤ maxx and miny ≤ maxy', 'bbox', { in: 'query' })
    return { box: { west: x1, south: y1, east: x2, north: y2 }, srid: 3857 }
  }
  // EPSG:4326 and EPSG:4490: lat,lon,lat,lon.
  const [west, south, east, north] = out.latFirst ? [y1, x1, y2, x2] : [x1, y1, x2, y2]
  const order = out.latFirst ? 'minLat,minLon,maxLat,maxLon (EPSG axis order)' : 'minLon,minLat,maxLon,maxLat'
  if (south > north || south < -90 || north > 90 || Math.abs(west) > 180 || Math.abs(east) > 180) {
    throw new BadRequest(`query parameter bbox: ${order} in degrees, with latitudes -90…90 and the lower one first`, 'bbox', { in: 'query' })
  }
  return { box: { west, south, east, north }, srid: out.srid }
}

/** A division filter must lie in the caller's scope (or contain it): elsewhere it names nothing the caller may see. */
function checkFilters(user: SessionUser, id: OgcCollectionId, query: Record<string, unknown>): Partial<Record<OgcFilterName, string>> {
  const filters: Partial<Record<OgcFilterName, string>> = {}
  const allowed = COLLECTIONS[id].queryables
  for (const name of ['city', 'county', 'town', 'status', 'station', 'gridUnit'] as OgcFilterName[]) {
    const value = query[name] as string | undefined
    if (value === undefined) continue
    if (!allowed.includes(name)) throw new BadRequest(`unknown query parameter ${name}: collection ${id} takes ${allowed.join(', ')}`, name, { in: 'query' })
    if (['city', 'county', 'town'].includes(name) && !isWithin(value, user.scope) && !isWithin(user.scope, value)) {
      throw new NotFound(`no division ${value} in your scope`)
    }
    filters[name] = value
  }
  if (id === 'coverage' && filters.status === 'ok') throw new BadRequest('query parameter status: the coverage collection holds uncovered, far and overloaded villages only', 'status', { in: 'query' })
  return filters
}

/**
 * The coverage of every village in `within` ('' = every province), from the cache: each
 * village is judged against its county (server/services/coverage.ts), so the narrowest
 * division the request names gives the same statuses as the whole scope, faster.
 */
async function villageStatuses(knex: Knex, cache: VersionedCache, within: string): Promise<VillageStatuses> {
  const roots = within ? [within] : (await listRoots(knex, '')).map((r) => r.code)
  const out: VillageStatuses = {}
  for (const root of roots) {
    const cached = await cache.get(knex, root, JSON.stringify(['ogc-status', root]), async () => {
      const report = await coverageOf(knex, root, '', { geometry: false })
      return Object.fromEntries(report.villages.features.map((f) => [f.properties.code, { status: f.properties.status, servicePointId: f.properties.servicePointId, distanceKm: f.properties.distanceKm }]))
    })
    Object.assign(out, JSON.parse(cached.body.toString('utf8')))
  }
  return out
}

export interface ItemsAnswer {
  body: unknown
  crs: OgcCrs
}

type ItemsQuery = z.infer<typeof OgcItemsQuery>

/** A page of features of a collection, with its links (self, next, prev, collection) and counts. */
export async function items(knex: Knex, cache: VersionedCache, user: SessionUser, id: OgcCollectionId, query: ItemsQuery, origin: string): Promise<ItemsAnswer> {
  const filters = checkFilters(user, id, query)
  const crs = query.crs ?? CRS84
  const limit = query.limit ?? OGC_LIMIT_DEFAULT
  const offset = query.offset ?? 0
  const q: FeatureQuery = {
    collection: id,
    scope: user.scope,
    filters,
    crs: OUTPUT[crs],
    limit,
    offset,
    ...(query.bbox ? { bbox: parseBbox(query.bbox, query['bbox-crs'] ?? CRS84) } : {}),
  }
  if (id === 'villages' || id === 'coverage') {
    const narrowest = [filters.town ? countyOf(filters.town) : undefined, filters.county, user.scope].find((c): c is string => c !== undefined && c !== null && isWithin(c, user.scope)) ?? user.scope
    q.statuses = await villageStatuses(knex, cache, narrowest)
  }
  const [rows, matched] = [await features(knex, q), await countFeatures(knex, q)]
  const timeStamp = new Date().toISOString()
  const page = (o: number) => {
    const p = new URLSearchParams(Object.entries({ ...query, f: 'json', offset: o, limit }).map(([k, v]) => [k, String(v)]))
    if (o === 0) p.delete('offset')
    return `${origin}/ogc/collections/${id}/items?${p.toString()}`
  }
  const links = [link(page(offset), 'self', GEOJSON, 'This page'), link(`${origin}/ogc/collections/${id}`, 'collection', 'application/json', COLLECTIONS[id].title)]
  if (offset + rows.length < matched) links.push(link(page(offset + limit), 'next', GEOJSON, 'Next page'))
  if (offset > 0) links.push(link(page(Math.max(0, offset - limit)), 'prev', GEOJSON, 'Previous page'))
  return {
    crs,
    body: {
      type: 'FeatureCollection',
      features: rows.map((r) => ({ type: 'Feature', id: r.id, geometry: r.geometry, properties: r.properties })),
      links,
      timeStamp,
      numberMatched: matched,
      numberReturned: rows.length,
    },
  }
}

/** One feature by id (404 when it does not exist in the caller's scope), with its links. */
export async function feature(
  knex: Knex,
  cache: VersionedCache,
  user: SessionUser,
  id: OgcCollectionId,
  featureId: string,
  query: { crs?: OgcCrs },
  origin: string,
): Promise<ItemsAnswer> {
  const digits = COLLECTIONS[id].idDigits
  const crs = query.crs ?? CRS84
  const notFound = new NotFound(`no feature ${featureId} in collection ${id} in your scope`)
  if (digits !== undefined && !new RegExp(`^[0-9]{${digits}}$`).test(featureId)) throw notFound
  const q: FeatureQuery = { collection: id, scope: user.scope, filters: {}, id: featureId, crs: OUTPUT[crs], limit: 1, offset: 0 }
  if (id === 'villages' || id === 'coverage') {
    if (!isWithin(featureId, user.scope)) throw notFound
    q.statuses = await villageStatuses(knex, cache, countyOf(featureId)!)
  }
  const [row] = await features(knex, q)
  if (!row) throw notFound
  const self = `${origin}/ogc/collections/${id}/items/${encodeURIComponent(row.id)}`
  return {
    crs,
    body: {
      type: 'Feature',
      id: row.id,
      geometry: row.geometry,
      properties: row.properties,
      links: [link(`${self}${crs === CRS84 ? '' : `?crs=${encodeURIComponent(crs)}`}`, 'self', GEOJSON, 'This feature'), link(`${origin}/ogc/collections/${id}`, 'collection', 'application/json', COLLECTIONS[id].title)],
    },
  }
}
