/**
 * Staff plans: the solver's `allocateStaff` decides posts per station and service point
 * (every rule of DESIGN.md §3), then `assignWorkers` decides who goes where (fewest moves,
 * then shortest distance; specialists keep posts of their role). The state is every
 * worker's post within the scope.
 */
import {
  combineCountyAllocations,
  DEFAULT_MOVE_PENALTY,
  solveOffThread,
  type MovePenalty,
  type AllocateStaffResult,
  type AssignWorkersResult,
  type CountyInput,
  type WorkLocation,
} from '../../../solver/index.js'
import { isLevel } from '../../../geodata/codes.js'
import { haversineMetres } from '../../../solver/geo.js'
import { BadRequest } from '../../errors.js'
import { readWorkerPosts, staffFacts, writeWorkerPosts, type StaffFacts, type WorkerPost } from '../../repositories/staff.repository.js'
import { PlanInfeasible, type PlanStrategy, type PlanParams } from './types.js'
import type { StaffPlanDiff } from '../../contract/plan-diffs.js'

const solverMeta = (r: { status: string; objective: number | null; bound?: number; gap?: number; backend: string; backendStatus: string; ms: number; verified: boolean }) => ({
  status: r.status,
  objective: r.objective,
  bound: r.bound ?? null,
  gap: r.gap ?? null,
  backend: r.backend,
  backendStatus: r.backendStatus,
  ms: r.ms,
  verified: r.verified,
})

/**
 * The move penalties of the plan (the solver's defaults where not given). A move to
 * another town may not cost less than one within a town: 400 naming the field.
 */
export function movePenalty(params: PlanParams): MovePenalty {
  const p = { withinTown: params.moveCost ?? DEFAULT_MOVE_PENALTY.withinTown, acrossTowns: params.crossTownMoveCost ?? DEFAULT_MOVE_PENALTY.acrossTowns }
  if (p.acrossTowns < p.withinTown) {
    throw new BadRequest(`params.crossTownMoveCost (${p.acrossTowns}) must be at least params.moveCost (${p.withinTown})`, 'params.crossTownMoveCost')
  }
  return p
}

/** The solver's input for the counties in scope, from today's posts. */
export function allocationInput(facts: StaffFacts, params: PlanParams): CountyInput[] {
  const admin = new Map<string, number>()
  const atPoint = new Map<string, number>()
  for (const w of facts.workers) {
    if (w.post === 'station') admin.set(w.stationId, (admin.get(w.stationId) ?? 0) + 1)
    else atPoint.set(w.servicePointId!, (atPoint.get(w.servicePointId!) ?? 0) + 1)
  }
  const counties = new Map<string, CountyInput>()
  for (const t of facts.towns) {
    if (!t.station) throw new BadRequest(`town ${t.name} (${t.code}) has no station: add one before planning staff`, 'within')
    let county = counties.get(t.countyCode)
    if (!county) counties.set(t.countyCode, (county = { code: t.countyCode, name: t.countyName, towns: [] }))
    county.towns.push({
      code: t.code,
      name: t.name,
      station: { id: t.station.id, adminPosts: admin.get(t.station.id) ?? 0 },
      villages: t.villages.map((v) => ({ code: v.code, name: v.name, population: v.population, groups: v.groups, pointId: v.pointId })),
      points: t.points.map((p) => ({ id: p.id, name: p.name, gridUnitId: p.gridUnitId, workers: atPoint.get(p.id) ?? 0 })),
    })
  }
  const list = [...counties.values()]
  if (params.budget !== undefined) {
    if (list.length !== 1) throw new BadRequest('params.budget applies to one county: plan within a county code', 'params.budget')
    list[0].budget = params.budget
  }
  return list
}

/** Where every worker goes, county by county, given the posts of the allocation. */
async function assignCounty(facts: StaffFacts, county: AllocateStaffResult['counties'][number], timeLimitSec: number | undefined, signal: AbortSignal): Promise<AssignWorkersResult> {
  const townCodes = new Set(county.towns.map((t) => t.code))
  const stationTown = new Map(county.towns.map((t) => [t.stationId, t.code]))
  const towns = facts.towns.filter((t) => townCodes.has(t.code))
  const workers = facts.workers.filter((w) => stationTown.has(w.stationId))
  const place = new Map<string, [number, number]>()
  for (const t of towns) {
    if (t.station) place.set(t.station.id, t.station.lnglat)
    for (const p of t.points) place.set(p.id, p.lnglat)
  }
  const current = (w: (typeof workers)[number]) => (w.post === 'station' ? w.stationId : w.servicePointId!)
  // Specialists keep posts of their role where they work today (capped by the new posts).
  const specialistsAt = new Map<string, Record<string, number>>()
  for (const w of workers) {
    if (!w.specialty) continue
    const at = (specialistsAt.get(current(w)) ?? {}) as Record<string, number>
    at[w.specialty] = (at[w.specialty] ?? 0) + 1
    specialistsAt.set(current(w), at)
  }
  const locations: WorkLocation[] = []
  const capRoles = (id: string, posts: number) => {
    const roles = { ...(specialistsAt.get(id) ?? {}) }
    let left = posts
    for (const r of Object.keys(roles)) left -= roles[r] = Math.min(roles[r], Math.max(0, left))
    return roles
  }
  for (const t of county.towns) {
    locations.push({ id: t.stationId, kind: 'station', townCode: t.code, lnglat: place.get(t.stationId), posts: t.adminPosts, specialistPosts: capRoles(t.stationId, t.adminPosts) })
    for (const p of t.points) {
      locations.push({ id: p.id, kind: 'point', townCode: t.code, lnglat: place.get(p.id), posts: p.posts, specialistPosts: capRoles(p.id, p.posts) })
    }
  }
  return solveOffThread(
    'assignWorkers',
    { locations, workers: workers.map((w) => ({ id: w.id, currentLocationId: current(w), home: w.home ?? undefined, role: w.specialty })) },
    { timeLimitSec, signal },
  )
}

export const staffPlan: PlanStrategy<WorkerPost[], StaffPlanDiff> = {
  scopes: ['province', 'city', 'county'],
  validate(params, within) {
    movePenalty(params)
    if (params.budget !== undefined && !isLevel(within, 'county')) throw new BadRequest('params.budget applies to one county: plan within a county code', 'params.budget')
  },
  readState: readWorkerPosts,
  async writeState(trx, within, state) {
    const before = new Map((await readWorkerPosts(trx, within)).map((p) => [p.id, p]))
    const changed = state.filter((p) => {
      const b = before.get(p.id)
      return !b || b.post !== p.post || b.stationId !== p.stationId || b.servicePointId !== p.servicePointId
    })
    await writeWorkerPosts(trx, within, changed)
  },

  async compute(knex, within, params, { progress, signal }) {
    progress(0.05, { step: 'readingData', done: 0, total: 1 })
    const facts = await staffFacts(knex, within)
    const input = allocationInput(facts, params)
    const problem = { weights: params.weights, movePenalty: movePenalty(params), allowCrossTownMoves: params.allowCrossTownMoves }
    // The counties of a city are independent: each is solved on its own thread of the pool.
    let allocated = 0
    progress(0.15, { step: 'allocatingPosts', done: 0, total: input.length })
    const allocate = async (counties: CountyInput[]) => {
      const r = await solveOffThread('allocateStaff', { ...problem, counties }, { timeLimitSec: params.timeLimitSec, signal })
      allocated += counties.length
      progress(0.15 + (0.5 * allocated) / input.length, { step: 'allocatingPosts', town: counties.length === 1 ? counties[0].name : undefined, done: allocated, total: input.length })
      return r
    }
    const started = Date.now()
    const allocation = input.length > 1 ? combineCountyAllocations(await Promise.all(input.map((c) => allocate([c]))), started) : await allocate(input)
    if (allocation.explanations?.length) {
      throw new PlanInfeasible(allocation.explanations.map((e) => e.message.en).join('; '), allocation.explanations, solverMeta(allocation))
    }
    if (!allocation.verified) throw new Error(`allocateStaff found no verified plan (${allocation.status}: ${allocation.backendStatus})`)
    const target = new Map((await readWorkerPosts(knex, within)).map((p) => [p.id, { ...p }]))
    const stationOfPoint = new Map(facts.towns.flatMap((t) => t.points.map((p) => [p.id, t.station!.id] as const)))
    const stations = new Set(facts.towns.map((t) => t.station!.id))
    let assigned = 0
    const total = allocation.counties.length
    progress(0.7, { step: 'assigningWorkers', done: 0, total })
    const results = await Promise.all(
      allocation.counties.map(async (county) => {
        const a = await assignCounty(facts, county, params.timeLimitSec, signal)
        assigned++
        progress(0.7 + (0.25 * assigned) / total, { step: 'assigningWorkers', town: county.name, done: assigned, total })
        return a
      }),
    )
    const assignments = []
    for (const [i, county] of allocation.counties.entries()) {
      const a = results[i]
      if (!a.verified) throw new Error(`assignWorkers found no verified assignment in ${county.name} (${a.status})`)
      assignments.push({ county: county.code, ...solverMeta(a), moves: a.totalMoves, distanceKm: Math.round(a.totalDistanceM) / 1000, vacancies: a.vacancies, unplaced: a.unplaced })
      for (const [workerId, locationId] of Object.entries(a.assignment)) {
        if (locationId === null) continue // no post left for this worker: stays where they are (reported as unplaced)
        const t = target.get(workerId)!
        if (stations.has(locationId)) Object.assign(t, { post: 'station', stationId: locationId, servicePointId: null })
        else Object.assign(t, { post: 'point', stationId: stationOfPoint.get(locationId)!, servicePointId: locationId })
      }
    }
    return {
      result: {
        ...solverMeta(allocation),
        counties: allocation.counties.map((c) => ({
          code: c.code,
          name: c.name,
          budget: c.budget,
          today: c.today,
          maxDemandPerWorker: c.maxDemandPerWorker,
          deviation: c.deviation,
          ...solverMeta(c),
        })),
        parameters: allocation.parameters,
        assignWorkers: assignments,
      },
      target: [...target.values()],
    }
  },

  async diff(knex, within, before, after) {
    const facts = await staffFacts(knex, within)
    const name = new Map<string, string>()
    const town = new Map<string, string>()
    const place = new Map<string, [number, number]>()
    for (const t of facts.towns) {
      if (t.station) {
        name.set(t.station.id, t.station.name)
        town.set(t.station.id, t.code)
        place.set(t.station.id, t.station.lnglat)
      }
      for (const p of t.points) {
        name.set(p.id, p.name)
        town.set(p.id, t.code)
        place.set(p.id, p.lnglat)
      }
    }
    const workerName = new Map(facts.workers.map((w) => [w.id, w.name]))
    const loc = (p: WorkerPost) => (p.post === 'station' ? p.stationId : p.servicePointId!)
    const count = (posts: WorkerPost[]) => {
      const m = new Map<string, number>()
      for (const p of posts) m.set(loc(p), (m.get(loc(p)) ?? 0) + 1)
      return m
    }
    const b = count(before)
    const a = count(after)
    const afterOf = new Map(after.map((p) => [p.id, p]))
    const moves = before
      .filter((p) => afterOf.has(p.id) && loc(afterOf.get(p.id)!) !== loc(p))
      .map((p) => {
        const to = afterOf.get(p.id)!
        const [from, dest] = [loc(p), loc(to)]
        const [pa, pb] = [place.get(from), place.get(dest)]
        return {
          workerId: p.id,
          name: workerName.get(p.id) ?? p.id,
          from: { id: from, name: name.get(from) ?? from, post: p.post, townCode: town.get(from) ?? null, lnglat: pa ?? null },
          to: { id: dest, name: name.get(dest) ?? dest, post: to.post, townCode: town.get(dest) ?? null, lnglat: pb ?? null },
          crossTown: town.get(from) !== town.get(dest),
          distanceKm: pa && pb ? Math.round(haversineMetres(pa, pb)) / 1000 : null,
        }
      })
    const points = facts.towns.flatMap((t) =>
      t.points.map((p) => ({ id: p.id, name: p.name, townCode: t.code, before: b.get(p.id) ?? 0, after: a.get(p.id) ?? 0 })),
    )
    const towns = facts.towns.map((t) => {
      const sum = (m: Map<string, number>) => t.points.reduce((s, p) => s + (m.get(p.id) ?? 0), 0)
      const sid = t.station?.id ?? ''
      return {
        code: t.code,
        name: t.name,
        villages: t.villages.length,
        before: { adminPosts: b.get(sid) ?? 0, servicePosts: sum(b) },
        after: { adminPosts: a.get(sid) ?? 0, servicePosts: sum(a) },
      }
    })
    return {
      kind: 'staff',
      summary: {
        moves: moves.length,
        crossTownMoves: moves.filter((m) => m.crossTown).length,
        townsChanged: towns.filter((t) => t.before.adminPosts !== t.after.adminPosts || t.before.servicePosts !== t.after.servicePosts).length,
        pointsChanged: points.filter((p) => p.before !== p.after).length,
      },
      towns,
      stations: facts.towns.filter((t) => t.station).map((t) => ({ id: t.station!.id, name: t.station!.name, townCode: t.code, before: b.get(t.station!.id) ?? 0, after: a.get(t.station!.id) ?? 0 })),
      points,
      moves,
    }
  },
}
