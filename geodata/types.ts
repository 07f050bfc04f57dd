/**
 * The shape of a generated (or imported) dataset, as plain objects. The seeder
 * (server/db/seed.ts) writes one of these into the database; the generator
 * (geodata/generate.ts) produces one deterministically from a seed.
 */
import type { MultiPolygon } from 'geojson'
import type { SpecialGroupCounts } from '../solver/policy.js'
import type { DivisionLevel } from './codes.js'

export type { DivisionLevel } from './codes.js'
/** [lng, lat] in EPSG:4326. */
export type LngLat = [number, number]

export interface DivisionRecord {
  /** Official statistical code (geodata/codes.ts): province 2 digits, city 4, county 6, town 9, village 12. */
  code: string
  name: string
  level: DivisionLevel
  parentCode: string | null
  geometry: MultiPolygon
  /** Residents (synthetic). For a village its own count; for higher levels the sum of its villages. */
  population: number
}

export interface VillageGroupsRecord extends SpecialGroupCounts {
  villageCode: string
}

export interface StationRecord {
  /** 'st-<town code>' */
  id: string
  townCode: string
  name: string
  location: LngLat
}

export interface GridUnitRecord {
  /** 'gu-<town code>-<n>' */
  id: string
  stationId: string
  name: string
  villageCodes: string[]
}

export interface ServicePointRecord {
  /** 'sp-<town code>-<n>' */
  id: string
  gridUnitId: string
  /** The village hosting the point. */
  villageCode: string
  name: string
  location: LngLat
}

export type Post = 'station' | 'point'

export interface WorkerRecord {
  /** 'w-<town code>-<nnn>' */
  id: string
  name: string
  post: Post
  stationId: string
  /** Set exactly when post = 'point'. */
  servicePointId: string | null
  certified: boolean
  /** e.g. '残疾人专职委员'; null for a generalist. */
  specialty: string | null
  home: LngLat
  /** YYYY-MM-DD */
  hiredOn: string
}

export interface SupervisorRecord {
  /** 'sv-<county code>-<n>' */
  id: string
  name: string
  /** The county whose seat is the supervisor's base. */
  countyCode: string
  base: LngLat
  stationIds: string[]
}

export interface Dataset {
  /** Ordered parents before children (cities, counties, towns, villages). */
  divisions: DivisionRecord[]
  villageGroups: VillageGroupsRecord[]
  stations: StationRecord[]
  gridUnits: GridUnitRecord[]
  servicePoints: ServicePointRecord[]
  workers: WorkerRecord[]
  supervisors: SupervisorRecord[]
}

/** What to generate: one city (4-digit code) or the whole province ('44'). */
export interface GenerateScope {
  city?: string
  province?: '44'
}
