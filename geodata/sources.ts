/**
 * Read-only access to the extracted sources in geodata/sources/ (see extract.ts and
 * sources/LICENSES.md). Parsed once per process and shared; callers must not mutate.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MultiPolygon } from 'geojson'
import { readCsv } from './csv.js'
import { type MultiPoly, type Pt, fromGeoJSON } from './geometry.js'

export interface SourceCity {
  code: string
  name: string
}

export interface SourceCounty {
  code: string
  name: string
  cityCode: string
  /** The county seat (the source's label point), inside the outline. */
  seat: Pt
  outline: MultiPoly
}

export interface SourceTown {
  code: string
  name: string
  countyCode: string
  cityCode: string
}

export interface SourceVillage {
  code: string
  name: string
  townCode: string
}

/** The province the sources cover (official code and name). */
export const SOURCE_PROVINCE = { code: '44', name: '广东省' } as const

export interface Sources {
  cities: SourceCity[]
  counties: SourceCounty[]
  towns: SourceTown[]
  villages: SourceVillage[]
}

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'sources')
let cached: Sources | null = null

/** Records of one of our CSV files, header dropped. */
function rows(file: string): string[][] {
  return readCsv(readFileSync(join(DIR, file), 'utf8')).slice(1)
}

/** All Guangdong sources, sorted by code; loaded on first use. */
export function loadSources(): Sources {
  if (cached) return cached
  const byCode = <T extends { code: string }>(list: T[]) => list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  const geo = JSON.parse(readFileSync(join(DIR, 'guangdong-counties.geojson'), 'utf8')) as {
    features: { id: string; properties: { name: string; cityCode: string; seat: Pt }; geometry: MultiPolygon }[]
  }
  cached = {
    cities: byCode(rows('guangdong-cities.csv').map(([code, name]) => ({ code, name }))),
    counties: byCode(
      geo.features.map((f) => ({
        code: f.id,
        name: f.properties.name,
        cityCode: f.properties.cityCode,
        seat: f.properties.seat,
        outline: fromGeoJSON(f.geometry),
      })),
    ),
    towns: byCode(rows('guangdong-towns.csv').map(([code, name, countyCode, cityCode]) => ({ code, name, countyCode, cityCode }))),
    villages: byCode(rows('guangdong-villages.csv').map(([code, name, townCode]) => ({ code, name, townCode }))),
  }
  return cached
}
