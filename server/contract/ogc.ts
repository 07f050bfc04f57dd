/**
 * The OGC API – Features contract (README "OGC API and tokens"): Part 1 Core + GeoJSON +
 * OpenAPI 3.0, and Part 2 (CRS by reference). Query and path schemas (zod) parse the
 * requests; the same schemas, with the response schemas below, document the operations in
 * /api/openapi.json (operations.ts) and in the OGC API's own definition at /ogc/api
 * (openapi.ts `ogcApiDocument`), which OGC clients and the conformance suite read.
 */
import { z } from 'zod'
import { SPECIAL_GROUPS } from '../../solver/policy.js'
import { COVERAGE_STATUSES } from '../services/coverage.js'
import { levelCodePattern } from '../../geodata/codes.js'

export const OGC_COLLECTIONS = ['villages', 'towns', 'counties', 'stations', 'grid-units', 'service-points', 'coverage'] as const
export type OgcCollectionId = (typeof OGC_COLLECTIONS)[number]

/** The CRSs every collection serves; the first (CRS84, longitude first) is the default and the storage CRS. */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
export const OGC_CRS = [CRS84, 'http://www.opengis.net/def/crs/EPSG/0/4490', 'http://www.opengis.net/def/crs/EPSG/0/4326', 'http://www.opengis.net/def/crs/EPSG/0/3857'] as const
export type OgcCrs = (typeof OGC_CRS)[number]

/** Items per page: default 100, at most 10,000 (a larger limit is a 400: the API definition says the maximum). */
export const OGC_LIMIT_DEFAULT = 100
export const OGC_LIMIT_MAX = 10_000

export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
] as const

const NUMBER = '-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?'
const code = (level: 'city' | 'county' | 'town', example: string) => z.string().regex(new RegExp(levelCodePattern(level)), `a ${level} code, e.g. ${example}`)
const EntityRef = z.string().regex(/^[a-z0-9-]{1,40}$/, 'an id like st-440203100')

/** `f`: the only encoding is JSON (GeoJSON for features); HTML is not offered. */
const Format = z.enum(['json'])
/** Property filters; which ones a collection takes is listed in its `queryables` (another one is a 400). */
export const OGC_FILTERS = {
  city: code('city', '4402'),
  county: code('county', '440203'),
  town: code('town', '440203100'),
  status: z.enum(COVERAGE_STATUSES as unknown as ['uncovered', 'far', 'overloaded', 'ok']),
  station: EntityRef,
  gridUnit: EntityRef,
} as const
export type OgcFilterName = keyof typeof OGC_FILTERS

export const OgcDocQuery = z.object({ f: Format.optional() }).strict()
export const OgcApiQuery = z.object({ f: z.enum(['json', 'oas30']).optional() }).strict()
export const OgcCollectionParams = z.object({ collectionId: z.enum(OGC_COLLECTIONS) })
export const OgcFeatureParams = z.object({ collectionId: z.enum(OGC_COLLECTIONS), featureId: z.string().regex(/^[a-z0-9-]{1,40}$/, 'a feature id: a division code or an id like sp-440203100-1') })

export const OgcItemsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(OGC_LIMIT_MAX).optional().describe(`Features per page (default ${OGC_LIMIT_DEFAULT}, at most ${OGC_LIMIT_MAX})`),
    offset: z.coerce.number().int().min(0).max(10_000_000).optional().describe('Features to skip (the next and prev links carry it)'),
    bbox: z
      .string()
      .regex(new RegExp(`^${NUMBER}(,${NUMBER}){3}(,${NUMBER},${NUMBER})?$`), 'four (or six) comma-separated numbers: lower left, upper right corner in bbox-crs')
      .optional()
      .describe('Features touching the box: minx,miny,maxx,maxy in bbox-crs (CRS84 by default: lon,lat; EPSG:4326 and EPSG:4490: lat,lon)'),
    'bbox-crs': z.enum(OGC_CRS).optional(),
    crs: z.enum(OGC_CRS).optional().describe('The CRS of the answer (default CRS84); EPSG:4326 and EPSG:4490 with latitude first'),
    datetime: z
      .string()
      .regex(/^(\.\.|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))?)?(\/(\.\.|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))?)?)?$/, 'an instant or an interval (RFC 3339, `..` open)')
      .optional()
      .describe('No collection has temporal properties: a valid datetime matches every feature'),
    f: Format.optional(),
    ...Object.fromEntries(Object.entries(OGC_FILTERS).map(([k, s]) => [k, s.optional()])),
  })
  .strict()
export const OgcFeatureQuery = z.object({ crs: z.enum(OGC_CRS).optional(), f: Format.optional() }).strict()

export const Link = z.object({ href: z.string(), rel: z.string(), type: z.string().optional(), title: z.string().optional() })

export const OgcLanding = z.object({ title: z.string(), description: z.string(), links: z.array(Link) })
export const OgcConformance = z.object({ conformsTo: z.array(z.string()) })
export const OgcCollection = z.object({
  id: z.enum(OGC_COLLECTIONS),
  title: z.string(),
  description: z.string(),
  itemType: z.literal('feature'),
  extent: z.object({ spatial: z.object({ bbox: z.array(z.array(z.number()).length(4)), crs: z.literal(CRS84) }) }),
  crs: z.array(z.string()),
  storageCrs: z.string(),
  queryables: z.array(z.string()).describe('The property filters the items take (e.g. status=uncovered)'),
  links: z.array(Link),
})
export const OgcCollections = z.object({ links: z.array(Link), collections: z.array(OgcCollection), crs: z.array(z.string()) })

const Geometry = z.object({ type: z.string(), coordinates: z.array(z.unknown()) }).loose()
export const OgcFeature = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: Geometry.nullable(),
  properties: z.record(z.string(), z.unknown()),
  links: z.array(Link).optional(),
})
export const OgcFeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(OgcFeature),
  links: z.array(Link),
  timeStamp: z.iso.datetime(),
  numberMatched: z.number().int().min(0),
  numberReturned: z.number().int().min(0),
})

/** The special-group counts every village feature carries (as in GET /api/villages). */
export const VILLAGE_GROUPS = SPECIAL_GROUPS
