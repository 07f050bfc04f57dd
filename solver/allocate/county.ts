/**
 * Input types of `allocateStaff` and their validated, numeric form (one county at a time).
 */
import { resolveWeights, villageDemand, type DemandSource, type DemandWeights } from '../demand.js'
import { isLngLat, type LngLat } from '../geo.js'
import { POINT_STAFFED, STATION_ADMIN_POSTS_MIN, TOWN_SERVICE_POSTS_PER_VILLAGE } from '../policy.js'
import { SolverInputError } from '../types.js'

/** A village with its weighted demand and the service point that covers it. */
export interface VillageInput extends DemandSource {
  code: string
  name?: string
  /** The service point (grid unit) covering the village; null = not covered today. */
  pointId: string | null
}

/** A service point (社工点) of a grid unit, with the service workers posted there today. */
export interface ServicePointInput {
  id: string
  name?: string
  gridUnitId?: string
  workers: number
  /** Where the point is (for the distance of a transfer between towns). */
  lnglat?: LngLat
}

/** A town (乡镇/街道) with its station, villages and service points. */
export interface TownInput {
  code: string
  name?: string
  station: { id: string; adminPosts: number; lnglat?: LngLat }
  villages: VillageInput[]
  points: ServicePointInput[]
}

/** A county (县/区): its towns and the number of workers the plan may use. */
export interface CountyInput {
  code: string
  name?: string
  /** Total workers (admin + service) of the plan; default: today's total. */
  budget?: number
  towns: TownInput[]
}

/** Validated numeric form of a town. */
export interface TownData {
  code: string
  name: string
  stationId: string
  admin0: number
  villageCount: number
  uncovered: string[]
  demand: number
  points: Array<{ id: string; name: string; demand: number; workers0: number; villages: number }>
  today: number
  /** Coordinates of the station and every point (null when one of them has none). */
  locations: LngLat[] | null
}

/** Validated numeric form of a county. */
export interface CountyData {
  code: string
  name: string
  /** The plan's total posts: the given budget, else `keep`. */
  budget: number
  /** Today's headcount (admin + service workers). */
  today: number
  /** Every town keeps its workers and recruits what the rules need: Σ_t max(today_t, ruleNeed_t). */
  keep: number
  towns: TownData[]
}

/** Least workers a town needs by the rules alone: admin minimum + max(villages, points). Shaoguan plan §2(2). */
export function ruleNeed(town: Pick<TownData, 'villageCount' | 'points'>): number {
  return STATION_ADMIN_POSTS_MIN.value + Math.max(TOWN_SERVICE_POSTS_PER_VILLAGE.value * town.villageCount, POINT_STAFFED.value * town.points.length)
}

const nonNegInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0

/** Validates the counties and computes every village's weighted demand. */
export function toCountyData(counties: CountyInput[], weightsIn?: Partial<DemandWeights>): CountyData[] {
  if (!Array.isArray(counties) || counties.length === 0) throw new SolverInputError('counties must be a non-empty array', 'counties')
  const weights = resolveWeights(weightsIn)
  const seenCounty = new Set<string>()
  return counties.map((c, ci) => {
    const f = `counties[${ci}]`
    if (typeof c?.code !== 'string') throw new SolverInputError(`${f}.code must be a string`, `${f}.code`)
    if (seenCounty.has(c.code)) throw new SolverInputError(`county ${c.code} appears twice`, `${f}.code`)
    seenCounty.add(c.code)
    if (!Array.isArray(c.towns) || c.towns.length === 0) throw new SolverInputError(`${f}.towns must be a non-empty array`, `${f}.towns`)
    const seenTown = new Set<string>()
    const towns = c.towns.map((t, ti): TownData => {
      const ft = `${f}.towns[${ti}]`
      if (typeof t?.code !== 'string') throw new SolverInputError(`${ft}.code must be a string`, `${ft}.code`)
      if (seenTown.has(t.code)) throw new SolverInputError(`town ${t.code} appears twice`, `${ft}.code`)
      seenTown.add(t.code)
      if (typeof t.station?.id !== 'string' || !nonNegInt(t.station.adminPosts)) {
        throw new SolverInputError(`${ft}.station needs an id and an integer adminPosts ≥ 0`, `${ft}.station`)
      }
      if (!Array.isArray(t.points)) throw new SolverInputError(`${ft}.points must be an array`, `${ft}.points`)
      if (!Array.isArray(t.villages)) throw new SolverInputError(`${ft}.villages must be an array`, `${ft}.villages`)
      const pointIndex = new Map<string, number>()
      const points = t.points.map((p, pi) => {
        const fp = `${ft}.points[${pi}]`
        if (typeof p?.id !== 'string') throw new SolverInputError(`${fp}.id must be a string`, `${fp}.id`)
        if (pointIndex.has(p.id)) throw new SolverInputError(`service point ${p.id} appears twice in town ${t.code}`, `${fp}.id`)
        if (!nonNegInt(p.workers)) throw new SolverInputError(`${fp}.workers must be an integer ≥ 0`, `${fp}.workers`)
        pointIndex.set(p.id, pi)
        return { id: p.id, name: p.name ?? p.id, demand: 0, workers0: p.workers, villages: 0 }
      })
      const uncovered: string[] = []
      let demand = 0
      t.villages.forEach((v, vi) => {
        const fv = `${ft}.villages[${vi}]`
        if (typeof v?.code !== 'string') throw new SolverInputError(`${fv}.code must be a string`, `${fv}.code`)
        const d = villageDemand(v, weights, fv)
        demand += d
        if (v.pointId === null || v.pointId === undefined) {
          uncovered.push(v.name ?? v.code)
          return
        }
        const pi = pointIndex.get(v.pointId)
        if (pi === undefined) throw new SolverInputError(`${fv}.pointId ${v.pointId} is not a service point of town ${t.code}`, `${fv}.pointId`)
        points[pi].demand += d
        points[pi].villages += 1
      })
      const today = t.station.adminPosts + points.reduce((s, p) => s + p.workers0, 0)
      return {
        code: t.code,
        name: t.name ?? t.code,
        stationId: t.station.id,
        admin0: t.station.adminPosts,
        villageCount: t.villages.length,
        uncovered,
        demand,
        points,
        today,
        locations: [t.station.lnglat, ...t.points.map((p) => p.lnglat)].every(isLngLat)
          ? [t.station.lnglat as LngLat, ...t.points.map((p) => p.lnglat as LngLat)]
          : null,
      }
    })
    const today = towns.reduce((s, t) => s + t.today, 0)
    if (c.budget !== undefined && !nonNegInt(c.budget)) throw new SolverInputError(`${f}.budget must be an integer ≥ 0`, `${f}.budget`)
    const keep = towns.reduce((s, t) => s + Math.max(t.today, ruleNeed(t)), 0)
    return { code: c.code, name: c.name ?? c.code, budget: c.budget ?? keep, today, keep, towns }
  })
}
