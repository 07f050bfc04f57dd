/**
 * `assignWorkers`: given the target posts of each station and service point (e.g. from
 * `allocateStaff`), which worker goes where.
 *
 * Measure, lexicographically: fill as many posts as the workers allow; keep specialists
 * (e.g. 残疾人专职委员) on posts of their role; fewest moves; then least total
 * home-to-post distance. Fill and role counts are fixed up front; moves and distance are one
 * cost c_wl = M·[l ≠ today's post of w] + km(w, l) with M larger than any distance saving,
 * so the problem stays a transportation problem whose LP relaxation is integral.
 */
import { distanceBetween, isLngLat, type DistanceTable, type LngLat } from '../geo.js'
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
}

/** Output of `assignWorkers`. */
export interface AssignWorkersResult extends SolveMeta {
  /** workerId → locationId (null: no post left for this worker). */
  assignment: Record<string, string | null>
  moves: Array<{ workerId: string; from: string | null; to: string; distanceM: number }>
  /** Posts nobody could fill (e.g. more posts than workers, or a specialist post without a specialist). */
  vacancies: Array<{ locationId: string; role: string | null; count: number }>
  unplaced: string[]
  totalMoves: number
  totalDistanceM: number
}

interface Slot {
  loc: number
  role: string | null
  cap: number
}

/** Workers to posts: fill posts, keep specialists on their role, fewest moves, least distance. */
export async function assignWorkers(input: AssignWorkersInput, options: RunOptions = {}): Promise<AssignWorkersResult> {
  const started = Date.now()
  const { locations, workers, dist } = validate(input)
  const slots: Slot[] = []
  locations.forEach((l, li) => {
    let reserved = 0
    for (const [role, c] of Object.entries(l.specialistPosts ?? {})) {
      if (c > 0) slots.push({ loc: li, role, cap: c })
      reserved += c
    }
    if (l.posts - reserved > 0) slots.push({ loc: li, role: null, cap: l.posts - reserved })
  })
  // How many of each slot type can be filled: role slots only by their role, general by anyone.
  const roles = new Set(slots.map((s) => s.role).filter((r): r is string => r !== null))
  const roleFill = new Map<string, number>()
  let specialistsPlaced = 0
  for (const r of roles) {
    const cap = slots.filter((s) => s.role === r).reduce((a, s) => a + s.cap, 0)
    const have = workers.filter((w) => w.role === r).length
    roleFill.set(r, Math.min(cap, have))
    specialistsPlaced += Math.min(cap, have)
  }
  const generalCap = slots.filter((s) => s.role === null).reduce((a, s) => a + s.cap, 0)
  const generalFill = Math.min(generalCap, workers.length - specialistsPlaced)
  // M exceeds any total distance (an unplaced worker counts 0 km), so one move fewer always wins.
  const most = workers.reduce((a, _w, wi) => a + Math.max(0, ...locations.map((_l, li) => dist[wi][li])), 0)
  const M = Math.ceil(most / 1000) + 1
  const b = new ModelBuilder('min')
  const vars: Array<{ w: number; s: number; v: number }> = []
  workers.forEach((w, wi) => {
    slots.forEach((s, si) => {
      if (s.role !== null && s.role !== w.role) return
      const l = locations[s.loc]
      const move = w.currentLocationId === l.id ? 0 : 1
      vars.push({ w: wi, s: si, v: b.addVar(`x_${wi}_${si}`, { ub: 1, integer: true, cost: M * move + Math.round(dist[wi][s.loc]) / 1000 }) })
    })
  })
  const byWorker = workers.map(() => [] as number[])
  const bySlot = slots.map(() => [] as number[])
  for (const x of vars) {
    byWorker[x.w].push(x.v)
    bySlot[x.s].push(x.v)
  }
  byWorker.forEach((vs, wi) => b.le(`worker_${wi}`, vs, vs.map(() => 1), 1))
  bySlot.forEach((vs, si) => b.le(`slot_${si}`, vs, vs.map(() => 1), slots[si].cap))
  for (const r of roles) {
    const vs = slots.flatMap((s, si) => (s.role === r ? bySlot[si] : []))
    b.eq(`fill_${r}`, vs, vs.map(() => 1), roleFill.get(r) ?? 0)
  }
  const gv = slots.flatMap((s, si) => (s.role === null ? bySlot[si] : []))
  b.eq('fill_general', gv, gv.map(() => 1), generalFill)
  const sol = await solveModel(b.build(), { backend: options.backend, lpRelaxation: true, timeLimitSec: options.timeLimitSec, cancel: options.cancel })
  const empty = { assignment: {}, moves: [], vacancies: [], unplaced: [], totalMoves: 0, totalDistanceM: 0 }
  if (!sol.verified || !sol.values) return { ...sol, ...empty }
  const values = sol.values
  const assignment: Record<string, string | null> = {}
  const filled = slots.map(() => 0)
  const moves: AssignWorkersResult['moves'] = []
  let totalDistanceM = 0
  for (const w of workers) assignment[w.id] = null
  for (const x of vars) {
    if (values[x.v] < 0.5) continue
    const w = workers[x.w]
    const l = locations[slots[x.s].loc]
    assignment[w.id] = l.id
    filled[x.s]++
    totalDistanceM += dist[x.w][slots[x.s].loc]
    if (w.currentLocationId !== l.id) moves.push({ workerId: w.id, from: w.currentLocationId, to: l.id, distanceM: dist[x.w][slots[x.s].loc] })
  }
  const vacancies = slots
    .map((s, si) => ({ locationId: locations[s.loc].id, role: s.role, count: s.cap - filled[si] }))
    .filter((v) => v.count > 0)
  const unplaced = workers.filter((w) => assignment[w.id] === null).map((w) => w.id)
  const { values: _v, ...meta } = sol
  return { ...meta, ms: Date.now() - started, assignment, moves, vacancies, unplaced, totalMoves: moves.length, totalDistanceM }
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
  const dist = workers.map((w) =>
    input.locations.map((l) => {
      const d = distanceBetween(input.distancesM, { id: w.id, at: isLngLat(w.home) ? w.home : undefined }, { id: l.id, at: isLngLat(l.lnglat) ? l.lnglat : undefined })
      if (d === undefined) throw new SolverInputError(`no distance from worker ${w.id} to ${l.id}: give distancesM or both coordinates`, 'distancesM')
      return d
    }),
  )
  return { locations: input.locations, workers, dist }
}
