/**
 * The layout of one county: town polygons (exactly partitioning the county outline, with
 * urban streets clustered around the county seat), village polygons (exactly partitioning
 * each town, urban communities clustered around the town centre), residents and special
 * groups, village adjacency and grid units.
 */
import { weightedDemand } from '../solver/policy.js'
import type { VillageGroupsRecord } from './types.js'
import { villageAdjacency, villageCentre } from './adjacency.js'
import { type MultiPoly, type Pt, largestPoly, multiArea, pointOnSurface } from './geometry.js'
import { designGridUnits } from './grids.js'
import { isUrbanTown, isUrbanVillage } from './names.js'
import { specialGroups, villagePopulation } from './population.js'
import { Rng } from './random.js'
import type { SourceCounty, SourceTown, SourceVillage, Sources } from './sources.js'
import { subdivide } from './subdivide.js'

export interface VillageBuild {
  src: SourceVillage
  urban: boolean
  poly: MultiPoly
  centre: Pt
  population: number
  groups: Omit<VillageGroupsRecord, 'villageCode'>
  demand: number
}

export interface TownBuild {
  src: SourceTown
  poly: MultiPoly
  station: Pt
  villages: VillageBuild[]
  /** Village indices per grid unit, in the order they joined. */
  units: number[][]
}

export interface Index {
  src: Sources
  townsOf: Map<string, SourceTown[]>
  villagesOf: Map<string, SourceVillage[]>
}

/** Towns by county and villages by town. */
export function indexSources(src: Sources): Index {
  const group = <T>(list: T[], key: (t: T) => string) => {
    const m = new Map<string, T[]>()
    for (const t of list) {
      const k = key(t)
      const l = m.get(k)
      if (l) l.push(t)
      else m.set(k, [t])
    }
    return m
  }
  return { src, townsOf: group(src.towns, (t) => t.countyCode), villagesOf: group(src.villages, (v) => v.townCode) }
}

/** Pairs parts with items: the largest part to the item with the highest (jittered) size. */
function matchBySize(parts: number[], sizes: number[], areas: number[], rng: Rng): number[] {
  const byArea = parts.slice().sort((a, b) => areas[b] - areas[a] || a - b)
  const jitter = sizes.map((s) => s * rng.uniform(0.75, 1.33))
  const bySize = sizes.map((_, i) => i).sort((a, b) => jitter[b] - jitter[a] || a - b)
  const out: number[] = new Array(sizes.length)
  bySize.forEach((item, k) => (out[item] = byArea[k]))
  return out
}

/** Whether urban members should be clustered: some but not most of them are urban. */
const clusterCount = (urban: number, total: number) => (urban > 0 && urban < total && urban / total <= 0.6 ? urban : 0)

/** Builds every town of a county (see the module comment); `unitCount` picks each town's number of grid units. */
export function buildTowns(index: Index, county: SourceCounty, seed: number, unitCount: (t: SourceTown, v: number, rng: Rng) => number): TownBuild[] {
  const towns = index.townsOf.get(county.code) ?? []
  const urban = towns.filter((t) => isUrbanTown(t.name))
  const clustered = clusterCount(urban.length, towns.length)
  const rng = new Rng(seed, county.code, 'towns')
  const sub = subdivide(county.outline, rng, { count: towns.length, clustered, centre: county.seat })
  const areas = sub.parts.map(multiArea)
  const inCluster = clustered ? urban : []
  const rest = towns.filter((t) => !inCluster.includes(t))
  const sizeOf = (t: SourceTown) => (index.villagesOf.get(t.code) ?? []).filter((v) => !isUrbanVillage(v.name)).length + 1
  const partOf = new Map<SourceTown, number>()
  const clusterParts = Array.from({ length: clustered }, (_, i) => i)
  const restParts = Array.from({ length: towns.length - clustered }, (_, i) => i + clustered)
  matchBySize(clusterParts, inCluster.map(sizeOf), areas, rng).forEach((p, i) => partOf.set(inCluster[i], p))
  matchBySize(restParts, rest.map(sizeOf), areas, rng).forEach((p, i) => partOf.set(rest[i], p))
  return towns.map((t) => buildTown(index, t, sub.parts[partOf.get(t)!], seed, unitCount))
}

function buildTown(index: Index, town: SourceTown, poly: MultiPoly, seed: number, unitCount: (t: SourceTown, v: number, rng: Rng) => number): TownBuild {
  const station = pointOnSurface(largestPoly(poly))
  const srcVillages = index.villagesOf.get(town.code) ?? []
  const rng = new Rng(seed, town.code, 'villages')
  const urban = srcVillages.filter((v) => isUrbanVillage(v.name))
  const clustered = clusterCount(urban.length, srcVillages.length)
  const sub = subdivide(poly, rng, { count: srcVillages.length, clustered, centre: station })
  const inCluster = clustered ? rng.shuffle(urban) : []
  const rest = rng.shuffle(srcVillages.filter((v) => !inCluster.includes(v)))
  const partOf = new Map<SourceVillage, number>()
  inCluster.forEach((v, i) => partOf.set(v, i))
  rest.forEach((v, i) => partOf.set(v, clustered + i))
  const people = new Rng(seed, town.code, 'people')
  const villages = srcVillages.map((v): VillageBuild => {
    const isUrban = isUrbanVillage(v.name)
    const vpoly = sub.parts[partOf.get(v)!]
    const population = villagePopulation(people, isUrban)
    const groups = specialGroups(people, population, isUrban)
    return { src: v, urban: isUrban, poly: vpoly, centre: villageCentre(vpoly), population, groups, demand: weightedDemand(population, groups) }
  })
  const adjacency = villageAdjacency(
    villages.map((v) => v.poly),
    villages.map((v) => v.centre),
  )
  const k = unitCount(town, villages.length, new Rng(seed, town.code, 'units'))
  const units = designGridUnits(
    adjacency,
    villages.map((v) => v.demand),
    villages.map((v) => v.centre),
    k,
  )
  return { src: town, poly, station, villages, units }
}

