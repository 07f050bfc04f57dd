/**
 * `assignWorkers`: given the target posts of each station and service point (e.g. from
 * `allocateStaff`), which worker goes where.
 *
 * Measure, lexicographically: fill as many posts as the workers allow, specialist posts
 * (e.g. 残疾人专职委员) by their role first (stage one, an LP of its own); then, with those
 * fills fixed, fewest moves, a transfer to another town counting as two, then least total
 * home-to-post distance: one cost c_wl = M·moves(w, l) + km(w, l) with M larger than any
 * distance saving, so both stages are transportation problems whose LP relaxation is integral.
 * A worker takes a post of another town only when transfers are allowed, within maxTransferKm
 * (assign/transfers.ts); the posts `recruits` reserves per town are left to the recruitment;
 * a worker left without a post is released. `verifyAssignment` re-checks all of it.
 */
import { isTransfer, mayTake, postDistanceKm } from '../assign/transfers.js'
import { distanceBetween, haversineMetres, isLngLat, type DistanceTable, type LngLat } from '../geo.js'
import { DEFAULT_MAX_TRANSFER_KM } from '../policy.js'
import { ModelBuilder } from '../model.js'
import { solveModel } from '../solve.js'
import { SolverInputError, type RunOptions, type SolveMeta } from '../types.js'

/** A station or service point with its target number of posts. */
export interface WorkLocation {
  id: string
  kind?: 'station' | 'point'
  townCode?: string
  lnglat?: LngLat
  /** Target posts here, specialist posts included. */
  posts: number
  /** Posts reserved for a role, e.g. `{ disability_committee: 1 }`; only workers of that role fill them. */
  specialistPosts?: Record<string, number>
}

/** A worker with today's post and home. */
export interface WorkerInput {
  id: string
  /** Today's station or service point; null for a new hire. */
  currentLocationId: string | null
  home?: LngLat
  /** Specialist role, if any (matches `specialistPosts` keys). */
  role?: string | null
}

/** Input of `assignWorkers`. */
export interface AssignWorkersInput {
  locations: WorkLocation[]
  workers: WorkerInput[]
  /** Metres from a worker's home to a location: `distancesM[workerId][locationId]`; else haversine. */
  distancesM?: DistanceTable
  /** New posts per town (`townCode` → count) left for the province's recruitment: no worker of today fills them. */
  recruits?: Record<string, number>
  /** Whether a worker may take a post in another town (default false: Shaoguan plan §2(3)). */
  allowTransfers?: boolean
  /** Longest transfer, km from today's post to the new one, straight line (default DEFAULT_MAX_TRANSFER_KM). */
  maxTransferKm?: number
}

/** One worker's change of post. */
export interface WorkerMove {
  workerId: string
  from: string | null
  to: string
  /** Home to the new post (the tie-break measure). */
  distanceM: number
  /** The new post is in another town. */
  transfer: boolean
  /** Today's post to the new one, km (null without coordinates). */
  postKm: number | null
}

/** Output of `assignWorkers`. */
export interface AssignWorkersResult extends SolveMeta {
  /** workerId → locationId (null: no post left for this worker: released). */
  assignment: Record<string, string | null>
  moves: WorkerMove[]
  /** Posts left to the recruitment, per location. */
  recruits: Array<{ locationId: string; townCode: string; count: number }>
  /** Posts nobody fills and no recruitment was planned for (e.g. a specialist post without a specialist). */
  vacancies: Array<{ locationId: string; role: string | null; count: number }>
  /** Workers left without a post (released). */
  unplaced: string[]
  totalMoves: number
  transfers: number
  totalDistanceM: number
}

interface Slot {
  loc: number
  role: string | null
  cap: number
}

/** Workers to posts: fill posts, keep specialists on their role, fewest moves (a transfer counts two), least distance. */
export async function assignWorkers(input: AssignWorkersInput, options: RunOptions = {}): Promise<AssignWorkersResult> {
  const started = Date.now()
  const { locations, workers, dist, recruits, rule } = validate(input)
  const locIndex = new Map(locations.map((l, i) => [l.id, i]))
  const slots: Slot[] = []
  locations.forEach((l, li) => {
    let reserved = 0
    for (const [role, c] of Object.entries(l.specialistPosts ?? {})) {
      if (c > 0) slots.push({ loc: li, role, cap: c })
      reserved += c
    }
    if (l.posts - reserved > 0) slots.push({ loc: li, role: null, cap: l.posts - reserved })
  })
  const roles = [...new Set(slots.map((s) => s.role).filter((r): r is string => r !== null))]
  // M exceeds any total distance (an unplaced worker counts 0 km), so one move fewer always wins.
  const most = workers.reduce((a, _w, wi) => a + Math.max(0, ...locations.map((_l, li) => dist[wi][li])), 0)
  const M = Math.ceil(most / 1000) + 1
  const arcs: Array<{ w: number; s: number; moveCost: number; km: number }> = []
  workers.forEach((w, wi) => {
    const from = w.currentLocationId === null ? null : locations[locIndex.get(w.currentLocationId)!]
    slots.forEach((s, si) => {
      if (s.role !== null && s.role !== w.role) return
      const l = locations[s.loc]
      if (!mayTake(from, l, rule)) return
      const moveCost = w.currentLocationId === l.id ? 0 : isTransfer(from, l) ? 2 : 1
      arcs.push({ w: wi, s: si, moveCost, km: Math.round(dist[wi][s.loc]) / 1000 })
    })
  })
  // Recruitment fills general posts of its town.
  const recruitArcs: Array<{ town: string; s: number }> = []
  for (const [town, n] of Object.entries(recruits)) {
    const open = slots.map((s, si) => ({ s, si })).filter((x) => x.s.role === null && locations[x.s.loc].townCode === town)
    if (n > open.reduce((a, x) => a + x.s.cap, 0)) throw new SolverInputError(`recruits.${town}: ${n} recruits but fewer general posts in the town`, `recruits.${town}`)
    if (n > 0) for (const x of open) recruitArcs.push({ town, s: x.si })
  }
  /** The transportation model; stage 1 maximises the fill, stage 2 fixes it and minimises moves and distance. */
  const build = (fill: { roles: Map<string, number>; general: number } | null) => {
    const b = new ModelBuilder('min')
    const weightRole = slots.reduce((a, s) => a + s.cap, 0) + 1
    const vars = arcs.map((x, i) => {
      const role = slots[x.s].role
      const cost = fill ? M * x.moveCost + x.km : role !== null ? -weightRole : -1
      return b.addVar(`x_${i}`, { ub: 1, integer: true, cost })
    })
    const rvars = recruitArcs.map((x, i) => b.addVar(`r_${i}`, { ub: slots[x.s].cap, integer: true, cost: 0 }))
    const byWorker = workers.map(() => [] as number[])
    const bySlot = slots.map(() => [] as number[])
    arcs.forEach((x, i) => {
      byWorker[x.w].push(vars[i])
      bySlot[x.s].push(vars[i])
    })
    recruitArcs.forEach((x, i) => bySlot[x.s].push(rvars[i]))
    byWorker.forEach((vs, wi) => b.le(`worker_${wi}`, vs, vs.map(() => 1), 1))
    bySlot.forEach((vs, si) => b.le(`slot_${si}`, vs, vs.map(() => 1), slots[si].cap))
    for (const town of Object.keys(recruits)) {
      const vs = recruitArcs.flatMap((x, i) => (x.town === town ? [rvars[i]] : []))
      b.eq(`recruits_${town}`, vs, vs.map(() => 1), vs.length ? recruits[town] : 0)
    }
    if (fill) {
      for (const r of roles) {
        const vs = arcs.flatMap((x, i) => (slots[x.s].role === r ? [vars[i]] : []))
        b.eq(`fill_${r}`, vs, vs.map(() => 1), fill.roles.get(r) ?? 0)
      }
      const gv = arcs.flatMap((x, i) => (slots[x.s].role === null ? [vars[i]] : []))
      b.eq('fill_general', gv, gv.map(() => 1), fill.general)
    }
    return { model: b.build(), vars, rvars }
  }
  const solveOpts = { backend: options.backend, lpRelaxation: true, timeLimitSec: options.timeLimitSec, cancel: options.cancel }
  const empty = { assignment: {}, moves: [], recruits: [], vacancies: [], unplaced: [], totalMoves: 0, transfers: 0, totalDistanceM: 0 }
  const stage1 = build(null)
  const sol1 = await solveModel(stage1.model, solveOpts)
  if (!sol1.verified || !sol1.values) return { ...sol1, values: undefined, ...empty } as AssignWorkersResult
  const fill = { roles: new Map<string, number>(), general: 0 }
  arcs.forEach((x, i) => {
    if (sol1.values![stage1.vars[i]] < 0.5) return
    const role = slots[x.s].role
    if (role === null) fill.general++
    else fill.roles.set(role, (fill.roles.get(role) ?? 0) + 1)
  })
  const stage2 = build(fill)
  const sol = await solveModel(stage2.model, solveOpts)
  if (!sol.verified || !sol.values) return { ...sol, values: undefined, ...empty } as AssignWorkersResult
  const values = sol.values
  const assignment: Record<string, string | null> = {}
  const filled = slots.map(() => 0)
  const moves: WorkerMove[] = []
  let totalDistanceM = 0
  for (const w of workers) assignment[w.id] = null
  arcs.forEach((x, i) => {
    if (values[stage2.vars[i]] < 0.5) return
    const w = workers[x.w]
    const l = locations[slots[x.s].loc]
    assignment[w.id] = l.id
    filled[x.s]++
    totalDistanceM += dist[x.w][slots[x.s].loc]
    if (w.currentLocationId !== l.id) {
      const from = w.currentLocationId === null ? null : locations[locIndex.get(w.currentLocationId)!]
      moves.push({ workerId: w.id, from: w.currentLocationId, to: l.id, distanceM: dist[x.w][slots[x.s].loc], transfer: isTransfer(from, l), postKm: from ? postDistanceKm(from, l) : null })
    }
  })
  const recruitedAt = new Map<string, number>()
  recruitArcs.forEach((x, i) => {
    const n = Math.round(values[stage2.rvars[i]])
    if (n <= 0) return
    filled[x.s] += n
    const id = locations[slots[x.s].loc].id
    recruitedAt.set(id, (recruitedAt.get(id) ?? 0) + n)
  })
  const recruitList = [...recruitedAt].map(([locationId, count]) => ({ locationId, townCode: locations[locIndex.get(locationId)!].townCode ?? '', count }))
  const vacancies = slots
    .map((s, si) => ({ locationId: locations[s.loc].id, role: s.role, count: s.cap - filled[si] }))
    .filter((v) => v.count > 0)
  const unplaced = workers.filter((w) => assignment[w.id] === null).map((w) => w.id)
  const { values: _v, ...meta } = sol
  const result: AssignWorkersResult = {
    ...meta,
    ms: Date.now() - started,
    assignment,
    moves,
    recruits: recruitList,
    vacancies,
    unplaced,
    totalMoves: moves.length,
    transfers: moves.filter((m) => m.transfer).length,
    totalDistanceM,
  }
  const broken = verifyAssignment(input, result)
  if (broken.length > 0) {
    return { ...result, ...empty, status: 'error', verified: false, objective: null, backendStatus: `assignment check failed: ${broken.slice(0, 3).join('; ')}` }
  }
  return result
}

/**
 * Re-checks an assignment against its input on its own (not with the model or transfers.ts):
 * every worker at most one post, no post over-filled, specialist posts only by their role,
 * no worker in another town unless transfers are allowed and then within `maxTransferKm` of
 * today's post, the town's recruits as asked, and the reported moves, recruits, vacancies and
 * released workers as the assignment says. Returns what is broken, in words.
 */
export function verifyAssignment(input: AssignWorkersInput, result: AssignWorkersResult): string[] {
  const errors: string[] = []
  const loc = new Map(input.locations.map((l) => [l.id, l]))
  const allow = input.allowTransfers ?? false
  const km = input.maxTransferKm ?? DEFAULT_MAX_TRANSFER_KM
  const filled = new Map<string, number>()
  const byRole = new Map<string, Map<string, number>>()
  const moves = new Map(result.moves.map((m) => [m.workerId, m]))
  let transfers = 0
  for (const w of input.workers) {
    if (!(w.id in result.assignment)) {
      errors.push(`worker ${w.id} missing from the assignment`)
      continue
    }
    const to = result.assignment[w.id]
    const today = w.currentLocationId ?? null
    if (to === null) continue
    const l = loc.get(to)
    if (!l) {
      errors.push(`worker ${w.id} assigned to unknown location ${to}`)
      continue
    }
    filled.set(to, (filled.get(to) ?? 0) + 1)
    if (w.role) {
      const m = byRole.get(to) ?? new Map<string, number>()
      m.set(w.role, (m.get(w.role) ?? 0) + 1)
      byRole.set(to, m)
    }
    const from = today === null ? undefined : loc.get(today)
    const crossTown = from !== undefined && from.townCode !== undefined && l.townCode !== undefined && from.townCode !== l.townCode
    if (crossTown) {
      transfers++
      if (!allow) errors.push(`worker ${w.id} transferred ${from.townCode} → ${l.townCode} although transfers are not allowed (Shaoguan plan §2(3))`)
      else {
        const d = from.lnglat && l.lnglat ? haversineMetres(from.lnglat, l.lnglat) / 1000 : Infinity
        if (!(d <= km)) errors.push(`worker ${w.id} transferred ${d.toFixed(1)} km (${today} → ${to}), above maxTransferKm ${km}`)
      }
    }
    const m = moves.get(w.id)
    if ((today !== to) !== (m !== undefined) || (m && (m.to !== to || m.transfer !== crossTown))) errors.push(`worker ${w.id}: the moves list does not match the assignment`)
  }
  if (result.moves.length !== result.totalMoves || moves.size !== result.moves.length) errors.push('totalMoves does not match the moves')
  if (result.transfers !== transfers) errors.push(`${result.transfers} transfers reported, ${transfers} in the assignment`)
  const recruitedAt = new Map<string, number>()
  const recruitedIn = new Map<string, number>()
  for (const r of result.recruits) {
    const l = loc.get(r.locationId)
    if (!l || !(Number.isInteger(r.count) && r.count > 0)) {
      errors.push(`recruits at ${r.locationId}: not a location or not a count`)
      continue
    }
    recruitedAt.set(r.locationId, (recruitedAt.get(r.locationId) ?? 0) + r.count)
    recruitedIn.set(l.townCode ?? '', (recruitedIn.get(l.townCode ?? '') ?? 0) + r.count)
  }
  for (const [town, n] of Object.entries(input.recruits ?? {})) {
    if ((recruitedIn.get(town) ?? 0) !== n) errors.push(`town ${town}: ${recruitedIn.get(town) ?? 0} recruits placed, ${n} asked`)
  }
  for (const town of recruitedIn.keys()) if (!(town in (input.recruits ?? {}))) errors.push(`town ${town}: recruits placed but none asked`)
  const vacant = new Map<string, number>()
  for (const v of result.vacancies) vacant.set(v.locationId, (vacant.get(v.locationId) ?? 0) + v.count)
  for (const l of input.locations) {
    const used = (filled.get(l.id) ?? 0) + (recruitedAt.get(l.id) ?? 0)
    if (used > l.posts) errors.push(`${l.id}: ${used} people for ${l.posts} posts`)
    if ((vacant.get(l.id) ?? 0) !== l.posts - used) errors.push(`${l.id}: ${vacant.get(l.id) ?? 0} vacancies reported, ${l.posts - used} posts unfilled`)
    // Specialist posts only by their role: everyone else (recruits too) fits in the general posts.
    const reserved = Object.entries(l.specialistPosts ?? {})
    const inRole = reserved.reduce((a, [role, n]) => a + Math.min(n, byRole.get(l.id)?.get(role) ?? 0), 0)
    const general = used - inRole
    if (general > l.posts - reserved.reduce((a, [, n]) => a + n, 0)) errors.push(`${l.id}: specialist posts taken by workers of another role or by recruits`)
  }
  const unplaced = input.workers.filter((w) => result.assignment[w.id] === null).map((w) => w.id)
  if (unplaced.length !== result.unplaced.length || unplaced.some((id, i) => result.unplaced[i] !== id)) errors.push('the released (unplaced) workers do not match the assignment')
  return errors
}

function validate(input: AssignWorkersInput) {
  if (!input || !Array.isArray(input.locations) || input.locations.length === 0) throw new SolverInputError('locations must be a non-empty array', 'locations')
  if (!Array.isArray(input.workers)) throw new SolverInputError('workers must be an array', 'workers')
  const locIds = new Set<string>()
  input.locations.forEach((l, i) => {
    const f = `locations[${i}]`
    if (typeof l?.id !== 'string') throw new SolverInputError(`${f}.id must be a string`, `${f}.id`)
    if (locIds.has(l.id)) throw new SolverInputError(`location ${l.id} appears twice`, `${f}.id`)
    locIds.add(l.id)
    if (!(Number.isInteger(l.posts) && l.posts >= 0)) throw new SolverInputError(`${f}.posts must be an integer ≥ 0`, `${f}.posts`)
    const reserved = Object.values(l.specialistPosts ?? {}).reduce((a, c) => {
      if (!(Number.isInteger(c) && c >= 0)) throw new SolverInputError(`${f}.specialistPosts must hold integers ≥ 0`, `${f}.specialistPosts`)
      return a + c
    }, 0)
    if (reserved > l.posts) throw new SolverInputError(`${f}: ${reserved} specialist posts but only ${l.posts} posts`, `${f}.specialistPosts`)
  })
  const wIds = new Set<string>()
  input.workers.forEach((w, i) => {
    const f = `workers[${i}]`
    if (typeof w?.id !== 'string') throw new SolverInputError(`${f}.id must be a string`, `${f}.id`)
    if (wIds.has(w.id)) throw new SolverInputError(`worker ${w.id} appears twice`, `${f}.id`)
    wIds.add(w.id)
    if (w.currentLocationId !== null && w.currentLocationId !== undefined && !locIds.has(w.currentLocationId)) {
      throw new SolverInputError(`${f}.currentLocationId ${w.currentLocationId} is not a location`, `${f}.currentLocationId`)
    }
  })
  const workers = input.workers.map((w) => ({ ...w, currentLocationId: w.currentLocationId ?? null }))
  const recruits = input.recruits ?? {}
  for (const [town, n] of Object.entries(recruits)) {
    if (!(Number.isInteger(n) && n >= 0)) throw new SolverInputError(`recruits.${town} must be an integer ≥ 0`, `recruits.${town}`)
  }
  const maxTransferKm = input.maxTransferKm ?? DEFAULT_MAX_TRANSFER_KM
  if (!(typeof maxTransferKm === 'number' && maxTransferKm >= 0)) throw new SolverInputError('maxTransferKm must be a number ≥ 0', 'maxTransferKm')
  const rule = { allowTransfers: input.allowTransfers ?? false, maxTransferKm }
  const dist = workers.map((w) =>
    input.locations.map((l) => {
      const d = distanceBetween(input.distancesM, { id: w.id, at: isLngLat(w.home) ? w.home : undefined }, { id: l.id, at: isLngLat(l.lnglat) ? l.lnglat : undefined })
      if (d === undefined) throw new SolverInputError(`no distance from worker ${w.id} to ${l.id}: give distancesM or both coordinates`, 'distancesM')
      return d
    }),
  )
  return { locations: input.locations, workers, dist, recruits, rule }
}
