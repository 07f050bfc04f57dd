/**
 * Supervisors (督导) of a city: based at county seats, each given a number of stations
 * (5-8 by the rules, Shaoguan plan §2(6); one with 4 and one with 9 as planted faults
 * when the city is large enough) and then the stations nearest their base (regret greedy).
 */
import type { SupervisorRecord } from './types.js'
import { type Pt, metres } from './geometry.js'
import { personName } from './names.js'
import type { Rng } from './random.js'
import { apportion } from './staffing.js'

export interface CityStation {
  id: string
  countyCode: string
  location: Pt
}

export interface CountyBase {
  countyCode: string
  /** A point in the county's most central town (its station). */
  base: Pt
  stations: number
}

/** Station counts per supervisor: sizes in [5, 8] summing to n, plus a 4 and a 9 when planted. */
function loadSizes(n: number, plant: boolean, rng: Rng): number[] {
  const fixed = plant ? [4, 9] : []
  const rest = n - fixed.reduce((s, v) => s + v, 0)
  const lo = Math.ceil(rest / 8)
  const hi = Math.floor(rest / 5)
  let m = Math.min(hi, Math.max(lo, Math.round(rest / 6.5)))
  if (m < 1 || lo > hi) m = Math.max(1, Math.round(rest / 6.5)) // tiny city: cannot fit 5-8
  const sizes = apportion(rest, new Array(m).fill(1))
  return rng.shuffle([...sizes, ...fixed])
}

/** Supervisors of one city with their stations (every station exactly once). */
export function assignSupervisors(stations: CityStation[], counties: CountyBase[], plant: boolean, rng: Rng): SupervisorRecord[] {
  const n = stations.length
  const sizes = loadSizes(n, plant && n >= 18, rng)
  // Supervisors per county in proportion to its stations; bases repeat within a county.
  const perCounty = apportion(sizes.length, counties.map((c) => c.stations))
  const sups: { countyCode: string; base: Pt; cap: number; stations: string[] }[] = []
  counties.forEach((c, i) => {
    for (let k = 0; k < perCounty[i]; k++) sups.push({ countyCode: c.countyCode, base: c.base, cap: 0, stations: [] })
  })
  sups.forEach((s, i) => (s.cap = sizes[i]))
  const dist = stations.map((st) => sups.map((s) => metres(st.location, s.base) + (s.countyCode === st.countyCode ? 0 : 5000)))
  const left = new Set(stations.map((_, i) => i))
  while (left.size) {
    // Place the station that would lose most by waiting: largest gap between its two best open supervisors.
    let pick = -1
    let pickSup = -1
    let pickRegret = -Infinity
    for (const i of left) {
      const open = sups.map((_, j) => j).filter((j) => sups[j].stations.length < sups[j].cap)
      open.sort((a, b) => dist[i][a] - dist[i][b] || a - b)
      const regret = open.length > 1 ? dist[i][open[1]] - dist[i][open[0]] : Infinity
      if (regret > pickRegret) {
        pickRegret = regret
        pick = i
        pickSup = open[0]
      }
    }
    sups[pickSup].stations.push(stations[pick].id)
    left.delete(pick)
  }
  const seq = new Map<string, number>()
  return sups.map((s) => {
    const k = (seq.get(s.countyCode) ?? 0) + 1
    seq.set(s.countyCode, k)
    return {
      id: `sv-${s.countyCode}-${k}`,
      name: personName(rng),
      countyCode: s.countyCode,
      base: [s.base[0], s.base[1]],
      stationIds: s.stations.slice().sort(),
    }
  })
}
