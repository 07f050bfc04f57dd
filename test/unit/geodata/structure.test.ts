import * as turf from '@turf/turf'
import { beforeAll, describe, expect, it } from 'vitest'
import { SPECIAL_GROUPS } from '../../../solver/policy.js'
import { isContiguous, villageAdjacency } from '../../../geodata/adjacency.js'
import { countFaults } from '../../../geodata/faults.js'
import { generateDataset } from '../../../geodata/generate.js'
import { fromGeoJSON } from '../../../geodata/geometry.js'
import { isUrbanVillage } from '../../../geodata/names.js'
import type { Dataset } from '../../../geodata/types.js'
import { lookups } from './helpers.js'

describe('Shaoguan network and staffing', () => {
  let data: Dataset
  beforeAll(() => {
    data = generateDataset({ city: '4402' })
  })

  it('gives every village plausible residents and special-group counts', () => {
    const { level } = lookups(data)
    const groups = new Map(data.villageGroups.map((g) => [g.villageCode, g]))
    for (const v of level('village')) {
      const [lo, hi] = isUrbanVillage(v.name) ? [3000, 12000] : [800, 4000]
      expect(v.population).toBeGreaterThanOrEqual(lo)
      expect(v.population).toBeLessThanOrEqual(hi)
      const g = groups.get(v.code)!
      for (const k of SPECIAL_GROUPS) {
        expect(Number.isInteger(g[k]) && g[k] >= 0).toBe(true)
        expect(g[k]).toBeLessThan(v.population * 0.05)
      }
    }
  })

  it('makes every grid unit a contiguous set of villages of its own town, each village in at most one unit', () => {
    const { byCode, childrenOf } = lookups(data)
    const seen = new Set<string>()
    const unitsOfTown = new Map<string, string[][]>()
    for (const u of data.gridUnits) {
      const town = u.stationId.slice(3)
      expect(u.id).toMatch(new RegExp(`^gu-${town}-\\d+$`))
      expect(u.name).toMatch(new RegExp(`^${byCode.get(town)!.name}第\\d+网格$`))
      expect(u.villageCodes.length).toBeGreaterThan(0)
      for (const v of u.villageCodes) {
        expect(byCode.get(v)!.parentCode).toBe(town)
        expect(seen.has(v)).toBe(false)
        seen.add(v)
      }
      unitsOfTown.set(town, [...(unitsOfTown.get(town) ?? []), u.villageCodes])
    }
    for (const [town, units] of unitsOfTown) {
      const villages = childrenOf.get(town)!
      const index = new Map(villages.map((v, i) => [v.code, i]))
      const adj = villageAdjacency(villages.map((v) => fromGeoJSON(v.geometry)))
      for (const unit of units) {
        expect(isContiguous(unit.map((c) => index.get(c)!), adj), `${town}: ${unit.join(',')}`).toBe(true)
      }
    }
  })

  it('hosts each service point in a village of its unit, inside that village', () => {
    const { byCode } = lookups(data)
    const units = new Map(data.gridUnits.map((u) => [u.id, u]))
    for (const p of data.servicePoints) {
      const u = units.get(p.gridUnitId)!
      expect(p.id).toBe(u.id.replace(/^gu-/, 'sp-'))
      expect(u.villageCodes).toContain(p.villageCode)
      expect(p.name.endsWith('社工点')).toBe(true)
      // The village's short form, never 村 twice (前进村村委会 → 前进村社工点, issue 10).
      expect(p.name, p.name).not.toMatch(/村村/)
      expect(turf.booleanPointInPolygon(p.location, byCode.get(p.villageCode)!.geometry)).toBe(true)
    }
  })

  it("names stations after their town and keeps them inside it", () => {
    const { byCode } = lookups(data)
    for (const s of data.stations) {
      expect(s.id).toBe(`st-${s.townCode}`)
      expect(s.name).toBe(`${byCode.get(s.townCode)!.name}社工站`)
    }
  })

  it('staffs consistently: a point post names a point of its station, a station post none', () => {
    const stationOfPoint = new Map(
      data.servicePoints.map((p) => [p.id, data.gridUnits.find((u) => u.id === p.gridUnitId)!.stationId]),
    )
    const { byCode } = lookups(data)
    for (const w of data.workers) {
      expect(w.id).toMatch(new RegExp(`^w-${w.stationId.slice(3)}-\\d{3}$`))
      expect(w.name).toMatch(/^\p{Script=Han}{2,3}$/u)
      expect(w.hiredOn).toMatch(/^202[45]-\d\d-\d\d$/)
      if (w.post === 'point') expect(stationOfPoint.get(w.servicePointId!)).toBe(w.stationId)
      else expect(w.servicePointId).toBeNull()
      const county = byCode.get(w.stationId.slice(3, 9))!
      expect(turf.booleanPointInPolygon(w.home, county.geometry), w.id).toBe(true)
    }
    const share = (f: (w: (typeof data.workers)[number]) => boolean) => data.workers.filter(f).length / data.workers.length
    expect(share((w) => w.certified)).toBeGreaterThan(0.6)
    expect(share((w) => w.certified)).toBeLessThan(0.8)
    expect(share((w) => w.specialty === '残疾人专职委员')).toBeGreaterThan(0.03)
    expect(share((w) => w.specialty === '残疾人专职委员')).toBeLessThan(0.08)
  })

  it('gives each county at least Σ(villages + 2) × 1.05 workers, so a compliant allocation exists', () => {
    const { level, childrenOf } = lookups(data)
    for (const county of level('county')) {
      const need = childrenOf.get(county.code)!.reduce((s, t) => s + childrenOf.get(t.code)!.length + 2, 0)
      const have = data.workers.filter((w) => w.stationId.slice(3, 9) === county.code).length
      expect(have, county.code).toBeGreaterThanOrEqual(need * 1.05)
    }
  })

  it('assigns every station to exactly one supervisor based in the city', () => {
    const supervised = data.supervisors.flatMap((s) => s.stationIds)
    expect(supervised.sort()).toEqual(data.stations.map((s) => s.id).sort())
    const { byCode } = lookups(data)
    for (const s of data.supervisors) {
      expect(s.id).toMatch(new RegExp(`^sv-${s.countyCode}-\\d+$`))
      expect(turf.booleanPointInPolygon(s.base, byCode.get(s.countyCode)!.geometry)).toBe(true)
    }
    const loads = data.supervisors.map((s) => s.stationIds.length)
    expect(loads.filter((n) => n >= 5 && n <= 8).length).toBeGreaterThanOrEqual(loads.length - 2)
  })

  it('plants every kind of fault a planner should fix', () => {
    const f = countFaults(data)
    const villages = lookups(data).level('village').length
    expect(f.stationsWithTooFewUnits).toBeGreaterThan(0)
    expect(f.stationsWithTooManyUnits).toBeGreaterThan(0)
    expect(f.villagesInNoUnit / villages).toBeGreaterThan(0.015)
    expect(f.villagesInNoUnit / villages).toBeLessThan(0.04)
    expect(f.townsShortOfServicePosts).toBeGreaterThan(0)
    expect(f.stationsShortOfAdmin).toBeGreaterThan(0)
    expect(f.emptyServicePoints).toBeGreaterThan(0)
    expect(f.overstaffedTowns).toBeGreaterThan(0)
    expect(f.supervisorsUnderloaded).toBe(1)
    expect(f.supervisorsOverloaded).toBe(1)
    // Mostly compliant: faults are the exception.
    expect(f.stationsWithTooFewUnits + f.stationsWithTooManyUnits).toBeLessThan(data.stations.length * 0.1)
  })
})
