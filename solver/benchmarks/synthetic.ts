/**
 * Seeded generators of SYNTHETIC instances of the right sizes (Shaoguan: 10 counties, 112
 * towns, 1,468 villages; Guangdong: 1,757 towns, 26,842 villages) for benchmarks and tests,
 * until the geodata generator provides the demo data. Same seed, same instance.
 */
import type { CountyInput, TownInput } from '../allocate/county.js'
import type { LngLat } from '../geo.js'
import type { DesignGridsInput } from '../problems/designGrids.js'

/** A small, fast, seeded PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Splits `total` into `parts` positive integers around the mean (each ≥ `min`). */
function split(rand: () => number, total: number, parts: number, min: number): number[] {
  const w = Array.from({ length: parts }, () => 0.5 + rand())
  const sw = w.reduce((a, b) => a + b, 0)
  const out = w.map((x) => Math.max(min, Math.floor((x / sw) * total)))
  let diff = total - out.reduce((a, b) => a + b, 0)
  for (let k = 0; diff !== 0 && k < 100 * parts; k++) {
    const i = k % parts
    if (diff > 0) {
      out[i]++
      diff--
    } else if (out[i] > min) {
      out[i]--
      diff++
    }
  }
  return out
}

/** A village of a synthetic town, on a jittered grid. */
export interface SyntheticVillage {
  code: string
  lnglat: LngLat
  population: number
  groups: Record<string, number>
  row: number
  col: number
}

/** Villages of one synthetic town on a jittered grid, with rook + one-diagonal adjacency (planar). */
export function syntheticTownVillages(rand: () => number, townCode: string, count: number, origin: LngLat) {
  const cols = Math.ceil(Math.sqrt(count * 1.3))
  const villages: SyntheticVillage[] = []
  for (let k = 0; k < count; k++) {
    const row = Math.floor(k / cols)
    const col = k % cols
    const population = Math.round(400 + rand() * 3600)
    const r = () => Math.round(population * (0.002 + rand() * 0.01))
    villages.push({
      code: `${townCode}${String(200 + k).padStart(3, '0')}`,
      lnglat: [origin[0] + col * 0.025 + (rand() - 0.5) * 0.012, origin[1] + row * 0.022 + (rand() - 0.5) * 0.01],
      population,
      groups: {
        dibao: r(),
        tekun: Math.round(r() / 3),
        disabled: r(),
        children_in_difficulty: Math.round(r() / 4),
        left_behind_children: r(),
        elderly_in_difficulty: Math.round(r() / 2),
        left_behind_women: Math.round(r() / 2),
      },
      row,
      col,
    })
  }
  const at = new Map(villages.map((v, i) => [`${v.row},${v.col}`, i]))
  const adjacency: Array<[string, string]> = []
  villages.forEach((v) => {
    for (const [dr, dc] of [
      [0, 1],
      [1, 0],
      [1, 1],
    ]) {
      const u = at.get(`${v.row + dr},${v.col + dc}`)
      if (u !== undefined) adjacency.push([v.code, villages[u].code])
    }
  })
  return { villages, adjacency }
}

/** A SYNTHETIC county-level staffing instance: `towns` towns with `villages` villages in all. */
export function syntheticCounties(seed: number, counties: number, towns: number, villages: number): CountyInput[] {
  const rand = seededRandom(seed)
  const townsPer = split(rand, towns, counties, 1)
  const villagesPer = split(rand, villages, towns, 3)
  let t = 0
  return townsPer.map((nt, ci) => {
    const countyCode = `44${String(100 + ci).padStart(4, '0')}`
    const list: TownInput[] = []
    for (let k = 0; k < nt; k++, t++) {
      const code = `${countyCode}${String(100 + k).padStart(3, '0')}`
      const { villages: vs } = syntheticTownVillages(rand, code, villagesPer[t], [113 + rand(), 23 + rand()])
      const pointCount = vs.length >= 12 ? 3 : 2
      const points = Array.from({ length: pointCount }, (_, i) => ({ id: `${code}-P${i + 1}`, workers: 1 }))
      // Today's staffing: the rule minimum plus a few, spread unevenly (the plan rebalances it).
      let service = vs.length + Math.floor(rand() * 4)
      service -= pointCount
      while (service > 0) {
        points[Math.floor(rand() * pointCount)].workers++
        service--
      }
      list.push({
        code,
        name: `合成镇${code.slice(-5)}`,
        station: { id: `${code}-S`, adminPosts: 2 + (rand() < 0.3 ? 1 : 0) },
        points,
        villages: vs.map((v, i) => ({
          code: v.code,
          population: v.population,
          groups: v.groups,
          pointId: points[Math.min(pointCount - 1, Math.floor((i * pointCount) / vs.length))].id,
        })),
      })
    }
    return { code: countyCode, name: `合成县${ci + 1}`, towns: list }
  })
}

/** SYNTHETIC `designGrids` inputs: one per town, `villages[k]` villages each. */
export function syntheticGridTowns(seed: number, villages: readonly number[]): DesignGridsInput[] {
  const rand = seededRandom(seed)
  return villages.map((count, k) => {
    const code = `4402${String(100000 + k).slice(1)}`
    const { villages: vs, adjacency } = syntheticTownVillages(rand, code, count, [113.5 + rand(), 24.5 + rand()])
    return {
      town: { code, name: `合成镇${k + 1}` },
      villages: vs.map((v) => ({ code: v.code, lnglat: v.lnglat, population: v.population, groups: v.groups })),
      adjacency,
    }
  })
}
