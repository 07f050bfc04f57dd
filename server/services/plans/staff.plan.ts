/**
 * Staff plans: the solver's `allocateStaff` decides posts per station and service point
 * (every rule of DESIGN.md §3), then `assignWorkers` decides who goes where (fewest moves,
 * then shortest distance; specialists keep posts of their role). The state is every
 * worker's post within the scope.
 */
import {
  budgetBounds,
  combineCountyAllocations,
  DEFAULT_MOVE_PENALTY,
  type BudgetBounds,
  solveOffThread,
  type MovePenalty,
  type AllocateStaffResult,
  type AssignWorkersResult,
  type CountyInput,
  type WorkLocation,
} from '../../../solver/index.js'
import type { Knex } from 'knex'
import { isLevel } from '../../../geodata/codes.js'
import { haversineMetres } from '../../../solver/geo.js'
import { BadRequest } from '../../errors.js'
import { PLAN_DEFAULTS } from '../../contract/defaults.js'
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
 * The move penalties of the plan (the solver's defaults where not given). A transfer to
 * another town may not cost less than a move within a town: 400 naming the field.
 */
export function movePenalty(params: PlanParams): MovePenalty {
  const p = {
    ...DEFAULT_MOVE_PENALTY,
    withinTown: params.moveCost ?? DEFAULT_MOVE_PENALTY.withinTown,
    acrossTowns: params.crossTownMoveCost ?? DEFAULT_MOVE_PENALTY.acrossTowns,
  }
  if (p.acrossTowns < p.withinTown) {
    throw new BadRequest(`params.crossTownMoveCost (${p.acrossTowns}) must be at least params.moveCost (${p.withinTown})`, 'params.crossTownMoveCost', {
      zh: `跨镇调动代价（${p.acrossTowns}）不能小于镇内调动代价（${p.withinTown}）`,
    })
  }
  return p
}

/** Transfers between towns: `allowTransfers` (old name `allowCrossTownMoves`), default off, and their distance limit. */
export function transferRule(params: PlanParams): { allowTransfers: boolean; maxTransferKm: number } {
  return {
    allowTransfers: params.allowTransfers ?? params.allowCrossTownMoves ?? PLAN_DEFAULTS.allowTransfers,
    maxTransferKm: params.maxTransferKm ?? PLAN_DEFAULTS.maxTransferKm,
  }
}

/** The budgets a county's staff plan accepts (minimum, current, keep, maximum), from today's data. */
export async function staffBudgetBounds(knex: Knex, county: string, params: PlanParams = {}): Promise<BudgetBounds & { name: string }> {
  const facts = await staffFacts(knex, county)
  const [input] = allocationInput(facts, { weights: params.weights })
  if (!input) return { name: county, minimum: 0, current: 0, keep: 0, maximum: 0 }
  return { name: input.name ?? county, ...budgetBounds(input, params.weights) }
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
    if (!t.station) throw new BadRequest(`town ${t.name} (${t.code}) has no station: add one before planning staff`, 'within', { zh: `乡镇 ${t.name}（${t.code}）没有社工站：请先添加社工站再做岗位配置` })
    let county = counties.get(t.countyCode)
    if (!county) counties.set(t.countyCode, (county = { code: t.countyCode, name: t.countyName, towns: [] }))
    county.towns.push({
      code: t.code,
      name: t.name,
      station: { id: t.station.id, adminPosts: admin.get(t.station.id) ?? 0, lnglat: t.station.lnglat },
      villages: t.villages.map((v) => ({ code: v.code, name: v.name, population: v.population, groups: v.groups, pointId: v.pointId })),
      points: t.points.map((p) => ({ id: p.id, name: p.name, gridUnitId: p.gridUnitId, workers: atPoint.get(p.id) ?? 0, lnglat: p.lnglat })),
    })
  }
  const list = [...counties.values()]
  if (params.budget !== undefined) {
    if (list.length !== 1) throw new BadRequest('params.budget applies to one county: plan within a county code', 'params.budget', { zh: '社工总数（预算）只能用于一个县(区)的规划' })
    list[0].budget = params.budget
  }
  return list
}

/** Where every worker goes, county by county, given the posts of the allocation. */
async function assignCounty(
  facts: StaffFacts,
  county: AllocateStaffResult['counties'][number],
  rule: ReturnType<typeof transferRule>,
  timeLimitSec: number | undefined,
  signal: AbortSignal,
): Promise<AssignWorkersResult> {
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
    {
      locations,
      workers: workers.map((w) => ({ id: w.id, currentLocationId: current(w), home: w.home ?? undefined, role: w.specialty })),
      recruits: Object.fromEntries(county.towns.filter((t) => t.recruits > 0).map((t) => [t.code, t.recruits])),
      ...rule,
    },
    { timeLimitSec, signal },
  )
}

export const staffPlan: PlanStrategy<WorkerPost[], StaffPlanDiff> = {
  scopes: ['province', 'city', 'county'],
  async validate(params, within, knex) {
    movePenalty(params)
    if (params.budget === undefined) return
    if (!isLevel(within, 'county')) throw new BadRequest('params.budget applies to one county: plan within a county code', 'params.budget', { zh: '社工总数（预算）只能用于一个县(区)的规划' })
    const b = await staffBudgetBounds(knex, within, params)
    if (params.budget < b.minimum || params.budget > b.maximum) {
      throw new BadRequest(
        `params.budget ${params.budget} is outside ${b.minimum}-${b.maximum} for ${b.name}: the rules need at least ${b.minimum} workers (today ${b.current}; every town keeping its workers and recruiting what the rules need: ${b.keep}); at most ${b.maximum} (today × 1.5)`,
        'params.budget',
        { zh: `社工总数 ${params.budget} 超出${b.name}的范围 ${b.minimum}–${b.maximum}：规则至少需要 ${b.minimum} 人（现有 ${b.current} 人；各乡镇保留现有社工并按规则招聘：${b.keep} 人）；最多 ${b.maximum} 人（现有 × 1.5）` },
      )
    }
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
    const rule = transferRule(params)
    const problem = { weights: params.weights, movePenalty: movePenalty(params), ...rule }
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
        const a = await assignCounty(facts, county, rule, params.timeLimitSec, signal)
        assigned++
        progress(0.7 + (0.25 * assigned) / total, { step: 'assigningWorkers', town: county.name, done: assigned, total })
        return a
      }),
    )
    const assignments = []
    for (const [i, county] of allocation.counties.entries()) {
      const a = results[i]
      if (!a.verified) throw new Error(`assignWorkers found no verified assignment in ${county.name} (${a.status})`)
      assignments.push({
        county: county.code,
        ...solverMeta(a),
        moves: a.totalMoves,
        transfers: a.transfers,
        distanceKm: Math.round(a.totalDistanceM) / 1000,
        recruits: a.recruits,
        vacancies: a.vacancies,
        released: a.unplaced,
      })
      for (const [workerId, locationId] of Object.entries(a.assignment)) {
        // Released: the plan funds no post for this worker; the row stays as it is (the town ends the contract).
        if (locationId === null) continue
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
          keep: c.keep,
          recruits: c.recruits,
          released: c.released,
          transfers: c.moves.transfers,
          deviation: c.deviation,
          ...solverMeta(c),
        })),
        parameters: allocation.parameters,
        assignWorkers: assignments,
      },
      target: [...target.values()],
    }
  },

  async diff(knex, within, before, after, result) {
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
    // What the assignment left to the recruitment, unfilled and without a post (absent on a revert).
    const assigned = ((result?.assignWorkers ?? []) as Array<Pick<AssignWorkersResult, 'recruits' | 'vacancies'> & { released: string[] }>)
    const recruitsAt = new Map<string, number>()
    const vacantAt = new Map<string, number>()
    const releasedIds = new Set<string>()
    for (const a of assigned) {
      for (const r of a.recruits ?? []) recruitsAt.set(r.locationId, (recruitsAt.get(r.locationId) ?? 0) + r.count)
      for (const v of a.vacancies ?? []) vacantAt.set(v.locationId, (vacantAt.get(v.locationId) ?? 0) + v.count)
      for (const id of a.released ?? []) releasedIds.add(id)
    }
    const workerName = new Map(facts.workers.map((w) => [w.id, w.name]))
    const loc = (p: WorkerPost) => (p.post === 'station' ? p.stationId : p.servicePointId!)
    const count = (posts: WorkerPost[]) => {
      const m = new Map<string, number>()
      for (const p of posts) m.set(loc(p), (m.get(loc(p)) ?? 0) + 1)
      return m
    }
    const b = count(before)
    // After: the workers in post (a released worker holds none).
    const a = count(after.filter((p) => !releasedIds.has(p.id)))
    const afterOf = new Map(after.map((p) => [p.id, p]))
    const where = (id: string, post: WorkerPost['post']) => ({ id, name: name.get(id) ?? id, post, townCode: town.get(id) ?? null, lnglat: place.get(id) ?? null })
    const moves = before
      .filter((p) => afterOf.has(p.id) && loc(afterOf.get(p.id)!) !== loc(p))
      .map((p) => {
        const to = afterOf.get(p.id)!
        const [from, dest] = [loc(p), loc(to)]
        const [pa, pb] = [place.get(from), place.get(dest)]
        return {
          workerId: p.id,
          name: workerName.get(p.id) ?? p.id,
          from: where(from, p.post),
          to: where(dest, to.post),
          crossTown: town.get(from) !== town.get(dest),
          distanceKm: pa && pb ? Math.round(haversineMetres(pa, pb)) / 1000 : null,
        }
      })
    const released = before.filter((p) => releasedIds.has(p.id)).map((p) => ({ workerId: p.id, name: workerName.get(p.id) ?? p.id, from: where(loc(p), p.post) }))
    const at = (id: string) => ({ recruits: recruitsAt.get(id) ?? 0, vacant: vacantAt.get(id) ?? 0 })
    const points = facts.towns.flatMap((t) =>
      t.points.map((p) => ({ id: p.id, name: p.name, townCode: t.code, before: b.get(p.id) ?? 0, after: a.get(p.id) ?? 0, ...at(p.id) })),
    )
    const towns = facts.towns.map((t) => {
      const sum = (m: Map<string, number>) => t.points.reduce((s, p) => s + (m.get(p.id) ?? 0), 0)
      const sid = t.station?.id ?? ''
      const ids = [sid, ...t.points.map((p) => p.id)]
      return {
        code: t.code,
        name: t.name,
        villages: t.villages.length,
        before: { adminPosts: b.get(sid) ?? 0, servicePosts: sum(b) },
        after: { adminPosts: a.get(sid) ?? 0, servicePosts: sum(a) },
        recruits: ids.reduce((s, id) => s + (recruitsAt.get(id) ?? 0), 0),
        vacant: ids.reduce((s, id) => s + (vacantAt.get(id) ?? 0), 0),
        released: released.filter((r) => r.from.townCode === t.code).length,
        transfersIn: moves.filter((m) => m.crossTown && m.to.townCode === t.code).length,
        transfersOut: moves.filter((m) => m.crossTown && m.from.townCode === t.code).length,
      }
    })
    const changed = (t: (typeof towns)[number]) =>
      t.before.adminPosts !== t.after.adminPosts || t.before.servicePosts !== t.after.servicePosts || t.recruits > 0 || t.vacant > 0
    return {
      kind: 'staff',
      summary: {
        moves: moves.filter((m) => !m.crossTown).length,
        transfers: moves.filter((m) => m.crossTown).length,
        recruits: towns.reduce((s, t) => s + t.recruits, 0),
        vacant: towns.reduce((s, t) => s + t.vacant, 0),
        released: released.length,
        townsChanged: towns.filter(changed).length,
        pointsChanged: points.filter((p) => p.before !== p.after || p.recruits > 0 || p.vacant > 0).length,
      },
      towns,
      stations: facts.towns
        .filter((t) => t.station)
        .map((t) => ({ id: t.station!.id, name: t.station!.name, townCode: t.code, before: b.get(t.station!.id) ?? 0, after: a.get(t.station!.id) ?? 0, ...at(t.station!.id) })),
      points,
      moves,
      released,
    }
  },
}
