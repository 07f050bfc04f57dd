/**
 * The deterministic demo generator (DESIGN.md §4 "Demo and benchmark data"): real names
 * and county outlines from geodata/sources, everything else synthetic from a seed.
 * Same scope and seed → identical output, byte for byte once serialised. Each city is
 * generated from its own random streams, so a city is the same alone or in the province,
 * except that in the province, rings along a border between two cities also carry the
 * other side's vertices (conformRings).
 * Rates, faults and timings: geodata/README.md.
 */
import { DIVISION_LEVELS } from './codes.js'
import type { Dataset, DivisionRecord, GenerateScope, GridUnitRecord, ServicePointRecord, StationRecord, VillageGroupsRecord } from './types.js'
import { conformRings } from './conform.js'
import { type MultiPoly, type Pt, dist2, pointInMulti, toGeoJSON } from './geometry.js'
import { chooseHost } from './grids.js'
import { type Index, type TownBuild, buildTowns, indexSources } from './layout.js'
import { shortVillageName } from './names.js'
import { Rng } from './random.js'
import { dissolve } from './rings.js'
import { type SourceTown, SOURCE_PROVINCE, loadSources } from './sources.js'
import { type StaffingFaults, type TownToStaff, staffCounty } from './staffing.js'
import { assignSupervisors } from './supervisors.js'

/** Share of towns (of a city) given each planted fault; see geodata/README.md. */
export const FAULT_SHARES = {
  understaffedTowns: 0.12,
  overstaffedTowns: 0.1,
  stationsWithFewAdmin: 0.08,
  stationsWithOneUnit: 0.02,
  stationsWithFourUnits: 0.02,
  villagesInNoUnit: 0.025,
  emptyPoints: 0.03,
} as const

/** Generates the demo dataset of one city or of the whole province (see the module comment). */
export function generateDataset(scope: GenerateScope, opts: { seed?: number } = {}): Dataset {
  const seed = opts.seed ?? 1
  const src = loadSources()
  let cityCodes: string[]
  if (scope.province !== undefined) {
    if (scope.province !== SOURCE_PROVINCE.code) throw new Error(`unknown province ${String(scope.province)}: only '${SOURCE_PROVINCE.code}' (Guangdong)`)
    cityCodes = src.cities.map((c) => c.code)
  } else if (scope.city !== undefined) {
    if (!src.cities.some((c) => c.code === scope.city)) throw new Error(`unknown city ${scope.city}: expected a Guangdong city code such as 4402`)
    cityCodes = [scope.city]
  } else {
    throw new Error('scope needs a city (e.g. 4402) or province 44')
  }
  const index = indexSources(src)
  const cities = cityCodes.map((code) => generateCity(index, code, seed))
  const all = [provinceOf(cities), ...DIVISION_LEVELS.flatMap((l) => cities.flatMap((c) => c.divisions.filter((d) => d.record.level === l)))]
  const shapes = conformRings(all.map((d) => d.shape))
  return {
    divisions: all.map((d, i) => ({ ...d.record, geometry: toGeoJSON(shapes[i]) })),
    villageGroups: cities.flatMap((c) => c.villageGroups),
    stations: cities.flatMap((c) => c.stations),
    gridUnits: cities.flatMap((c) => c.gridUnits),
    servicePoints: cities.flatMap((c) => c.servicePoints),
    workers: cities.flatMap((c) => c.workers),
    supervisors: cities.flatMap((c) => c.supervisors),
  }
}

/**
 * The province as far as the dataset reaches: outline and population of its cities (the
 * seeder merges it with the cities already in the database).
 */
function provinceOf(cities: CityPart[]): CityPart['divisions'][number] {
  const own = cities.flatMap((c) => c.divisions.filter((d) => d.record.level === 'city'))
  return {
    record: { ...SOURCE_PROVINCE, level: 'province', parentCode: null, population: own.reduce((s, d) => s + d.record.population, 0) },
    shape: dissolve(own.flatMap((d) => d.shape)),
  }
}

interface CityPart {
  /** Records without geometry yet, and their shapes (converted after conforming). */
  divisions: { record: Omit<DivisionRecord, 'geometry'>; shape: MultiPoly }[]
  villageGroups: VillageGroupsRecord[]
  stations: StationRecord[]
  gridUnits: GridUnitRecord[]
  servicePoints: ServicePointRecord[]
  workers: Dataset['workers']
  supervisors: Dataset['supervisors']
}

/** Picks `count` items after a shuffle (deterministic), skipping those that fail `eligible`. */
function pickSome<T>(items: T[], count: number, rng: Rng, eligible: (t: T) => boolean = () => true): Set<T> {
  return new Set(rng.shuffle(items.filter(eligible)).slice(0, Math.max(0, count)))
}

function generateCity(index: Index, cityCode: string, seed: number): CityPart {
  const city = index.src.cities.find((c) => c.code === cityCode)!
  const counties = index.src.counties.filter((c) => c.cityCode === cityCode)
  const cityTowns = counties.flatMap((c) => index.townsOf.get(c.code) ?? [])
  const nTowns = cityTowns.length
  const villagesIn = (t: SourceTown) => (index.villagesOf.get(t.code) ?? []).length
  const faults = new Rng(seed, cityCode, 'faults')
  const atLeastOne = (share: number) => Math.max(1, Math.round(share * nTowns))
  const oneUnit = pickSome(cityTowns, atLeastOne(FAULT_SHARES.stationsWithOneUnit), faults, (t) => villagesIn(t) >= 2)
  const fourUnits = pickSome(cityTowns, atLeastOne(FAULT_SHARES.stationsWithFourUnits), faults, (t) => villagesIn(t) >= 8 && !oneUnit.has(t))
  const unitCount = (t: SourceTown, v: number, rng: Rng) => {
    if (oneUnit.has(t)) return 1
    if (fourUnits.has(t)) return 4
    if (v <= 7) return Math.min(v, 2)
    if (v >= 14) return 3
    return rng.chance(0.5) ? 2 : 3
  }
  const built = counties.map((c) => ({ county: c, towns: buildTowns(index, c, seed, unitCount) }))
  const allTowns = built.flatMap((b) => b.towns)

  // Villages left out of every grid unit: drop the last-joined village of random units.
  const dropTarget = Math.round(FAULT_SHARES.villagesInNoUnit * allTowns.reduce((s, t) => s + t.villages.length, 0))
  let dropped = 0
  for (let pass = 0; pass < 2 && dropped < dropTarget; pass++) {
    const units = faults.shuffle(allTowns.flatMap((t) => t.units.filter((u) => u.length >= 2)))
    for (const u of units) {
      if (dropped >= dropTarget) break
      u.pop()
      dropped++
    }
  }

  const out: CityPart = { divisions: [], villageGroups: [], stations: [], gridUnits: [], servicePoints: [], workers: [], supervisors: [] }
  const pointsOf = new Map<TownBuild, { id: string; location: Pt; villages: number }[]>()
  for (const t of allTowns) {
    const stationId = `st-${t.src.code}`
    out.stations.push({ id: stationId, townCode: t.src.code, name: `${t.src.name}社工站`, location: [t.station[0], t.station[1]] })
    const points: { id: string; location: Pt; villages: number }[] = []
    t.units.forEach((unit, k) => {
      const n = k + 1
      const unitId = `gu-${t.src.code}-${n}`
      out.gridUnits.push({ id: unitId, stationId, name: `${t.src.name}第${n}网格`, villageCodes: unit.map((v) => t.villages[v].src.code).sort() })
      const host = t.villages[chooseHost(unit, t.villages.map((v) => v.demand), t.villages.map((v) => v.centre))]
      const id = `sp-${t.src.code}-${n}`
      out.servicePoints.push({ id, gridUnitId: unitId, villageCode: host.src.code, name: `${shortVillageName(host.src.name)}社工点`, location: [host.centre[0], host.centre[1]] })
      points.push({ id, location: host.centre, villages: unit.length })
    })
    pointsOf.set(t, points)
  }

  // Staffing, county by county, with the city's planted faults.
  const shuffled = faults.shuffle(cityTowns.map((t) => t.code))
  const nUnder = Math.round(FAULT_SHARES.understaffedTowns * nTowns)
  const nOver = Math.round(FAULT_SHARES.overstaffedTowns * nTowns)
  const staffing: StaffingFaults = {
    under: new Set(shuffled.slice(0, nUnder)),
    over: new Set(shuffled.slice(nUnder, nUnder + nOver)),
    fewAdmin: new Set(faults.shuffle(cityTowns.map((t) => t.code)).slice(0, atLeastOne(FAULT_SHARES.stationsWithFewAdmin))),
    // Only in towns with another point to take the workers.
    emptyPoints: pickSome(
      allTowns.flatMap((t) => (pointsOf.get(t)!.length >= 2 ? pointsOf.get(t)!.map((p) => p.id) : [])),
      Math.max(1, Math.round(FAULT_SHARES.emptyPoints * out.servicePoints.length)),
      faults,
    ),
  }
  for (const { county, towns } of built) {
    const toStaff: TownToStaff[] = towns.map((t) => ({
      townCode: t.src.code,
      stationId: `st-${t.src.code}`,
      station: t.station,
      villages: t.villages.length,
      points: pointsOf.get(t)!,
    }))
    out.workers.push(...staffCounty(toStaff, county.outline, staffing, new Rng(seed, county.code, 'workers')))
  }

  // Supervisors based at each county's central town (the one holding the county seat).
  const bases = built.map(({ county, towns }) => {
    const seatTown = towns.find((t) => pointInMulti(county.seat[0], county.seat[1], t.poly)) ?? towns.slice().sort((a, b) => dist2(a.station, county.seat) - dist2(b.station, county.seat))[0]
    return { countyCode: county.code, base: seatTown.station, stations: towns.length }
  })
  out.supervisors = assignSupervisors(
    allTowns.map((t) => ({ id: `st-${t.src.code}`, countyCode: t.src.countyCode, location: t.station })),
    bases,
    true,
    new Rng(seed, cityCode, 'supervisors'),
  )

  // Divisions, parents first; populations are sums of villages.
  const popOf = (t: TownBuild) => t.villages.reduce((s, v) => s + v.population, 0)
  const countyPop = built.map((b) => b.towns.reduce((s, t) => s + popOf(t), 0))
  const cityShape = dissolve(counties.flatMap((c) => c.outline))
  out.divisions.push({
    record: { code: city.code, name: city.name, level: 'city', parentCode: SOURCE_PROVINCE.code, population: countyPop.reduce((s, p) => s + p, 0) },
    shape: cityShape,
  })
  built.forEach(({ county }, i) =>
    out.divisions.push({
      record: { code: county.code, name: county.name, level: 'county', parentCode: city.code, population: countyPop[i] },
      shape: county.outline,
    }),
  )
  for (const t of allTowns) {
    out.divisions.push({ record: { code: t.src.code, name: t.src.name, level: 'town', parentCode: t.src.countyCode, population: popOf(t) }, shape: t.poly })
  }
  for (const t of allTowns) {
    for (const v of t.villages) {
      out.divisions.push({ record: { code: v.src.code, name: v.src.name, level: 'village', parentCode: t.src.code, population: v.population }, shape: v.poly })
      out.villageGroups.push({ villageCode: v.src.code, ...v.groups })
    }
  }
  return out
}
