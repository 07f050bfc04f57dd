/**
 * A first-year staffing of a county: enough workers for a compliant allocation to exist
 * (Σ over towns of villages + 2, plus 9-13 %), spread unevenly so a planner has work to
 * do (see "Planted faults" in geodata/README.md).
 */
import type { LngLat, WorkerRecord } from './types.js'
import { type MultiPoly, type Pt, PointLocator } from './geometry.js'
import { personName } from './names.js'
import type { Rng } from './random.js'

export interface TownToStaff {
  townCode: string
  stationId: string
  station: Pt
  villages: number
  points: { id: string; location: Pt; villages: number }[]
}

/** Towns (by code) and points (by id) picked to carry a staffing fault. */
export interface StaffingFaults {
  /** Staffed at 62-85 % of villages + 2: service posts fall below the village count. */
  under: Set<string>
  /** Staffed at 135-170 % of villages + 2. */
  over: Set<string>
  /** Stations with 1 (or, one time in four, 0) administrative posts. */
  fewAdmin: Set<string>
  /** Service points left without a worker (their share goes to the town's next point). */
  emptyPoints: Set<string>
}

/** Integer shares of `total` proportional to `weights` (largest remainder; ties to the lower index). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0)
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0))
  const exact = weights.map((w) => (total * w) / sum)
  const out = exact.map(Math.floor)
  let left = total - out.reduce((s, v) => s + v, 0)
  const order = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length][1]]++
  return out
}

const DAY = 86400000
const HIRE_FROM = Date.UTC(2024, 0, 1)
const HIRE_DAYS = (Date.UTC(2025, 11, 31) - HIRE_FROM) / DAY + 1

/** A home near a post: 0.5-15 km away in a random direction, inside the county (else the post itself). */
function homeNear(post: Pt, county: PointLocator, rng: Rng): LngLat {
  for (let i = 0; i < 20; i++) {
    const metres = Math.min(15000, 500 - 3000 * Math.log(1 - rng.next()))
    const bearing = 2 * Math.PI * rng.next()
    const dLat = (metres * Math.cos(bearing)) / 111320
    const dLng = (metres * Math.sin(bearing)) / (111320 * Math.cos((post[1] * Math.PI) / 180))
    const p: LngLat = [post[0] + dLng, post[1] + dLat]
    if (county.contains(p[0], p[1])) return p
  }
  return [post[0], post[1]]
}

/** The workers of one county (towns in code order), with the planted faults applied. */
export function staffCounty(towns: TownToStaff[], county: MultiPoly, faults: StaffingFaults, rng: Rng): WorkerRecord[] {
  const need = towns.reduce((s, t) => s + t.villages + 2, 0)
  const total = Math.ceil(need * rng.uniform(1.09, 1.13))
  const weights = towns.map((t) => {
    const f = faults.under.has(t.townCode)
      ? rng.uniform(0.62, 0.85)
      : faults.over.has(t.townCode)
        ? rng.uniform(1.35, 1.7)
        : rng.uniform(0.97, 1.2)
    return (t.villages + 2) * f
  })
  const perTown = apportion(total, weights)
  const inCounty = new PointLocator(county)
  const workers: WorkerRecord[] = []
  towns.forEach((t, i) => {
    const n = perTown[i]
    let admin = 2
    if (faults.fewAdmin.has(t.townCode)) admin = rng.chance(0.25) ? 0 : 1
    else if (n >= t.villages + 4 && rng.chance(0.3)) admin = 3
    admin = Math.min(admin, n)
    const service = n - admin
    const perPoint =
      service >= t.points.length
        ? apportion(service - t.points.length, t.points.map((p) => p.villages)).map((v) => v + 1)
        : apportion(service, t.points.map((p) => p.villages))
    t.points.forEach((p, k) => {
      if (!faults.emptyPoints.has(p.id) || t.points.length < 2) return
      perPoint[(k + 1) % t.points.length] += perPoint[k]
      perPoint[k] = 0
    })
    let seq = 0
    const add = (post: 'station' | 'point', location: Pt, pointId: string | null) => {
      seq++
      const r = rng.next()
      workers.push({
        id: `w-${t.townCode}-${String(seq).padStart(3, '0')}`,
        name: personName(rng),
        post,
        stationId: t.stationId,
        servicePointId: pointId,
        certified: rng.chance(0.7),
        specialty: r < 0.05 ? '残疾人专职委员' : r < 0.065 ? '儿童督导员' : null,
        home: homeNear(location, inCounty, rng),
        hiredOn: new Date(HIRE_FROM + Math.floor(rng.next() * HIRE_DAYS) * DAY).toISOString().slice(0, 10),
      })
    }
    for (let k = 0; k < admin; k++) add('station', t.station, null)
    t.points.forEach((p, k) => {
      for (let j = 0; j < perPoint[k]; j++) add('point', p.location, p.id)
    })
  })
  return workers
}
