/**
 * Counts the planted staffing and grid faults of a dataset, by the programme's rules
 * (solver/policy.ts), so the README, tests and demos can say what a planner will find.
 */
import { STATION_ADMIN_POSTS_MIN, STATION_GRID_UNITS, SUPERVISOR_STATIONS } from '../solver/policy.js'
import type { Dataset } from './types.js'

export interface FaultCounts {
  /** Stations with fewer grid units than the rule's minimum (1 instead of 2-3). */
  stationsWithTooFewUnits: number
  /** Stations with more grid units than the rule's maximum (4). */
  stationsWithTooManyUnits: number
  /** Villages that belong to no grid unit. */
  villagesInNoUnit: number
  /** Towns whose service posts (workers at its points) are fewer than its villages. */
  townsShortOfServicePosts: number
  /** Stations with fewer than 2 administrative posts. */
  stationsShortOfAdmin: number
  /** Service points without any worker. */
  emptyServicePoints: number
  /** Towns with more than 1.3 × (villages + 2) workers. */
  overstaffedTowns: number
  /** Supervisors with fewer than 5 / more than 8 stations. */
  supervisorsUnderloaded: number
  supervisorsOverloaded: number
}

/** The number of occurrences of every kind of planted fault in a dataset. */
export function countFaults(data: Dataset): FaultCounts {
  const villagesOfTown = new Map<string, number>()
  for (const d of data.divisions) if (d.level === 'village') villagesOfTown.set(d.parentCode!, (villagesOfTown.get(d.parentCode!) ?? 0) + 1)
  const unitsOf = new Map<string, number>()
  for (const u of data.gridUnits) unitsOf.set(u.stationId, (unitsOf.get(u.stationId) ?? 0) + 1)
  const inUnit = new Set(data.gridUnits.flatMap((u) => u.villageCodes))
  const admin = new Map<string, number>()
  const service = new Map<string, number>()
  const atPoint = new Map<string, number>()
  for (const w of data.workers) {
    if (w.post === 'station') admin.set(w.stationId, (admin.get(w.stationId) ?? 0) + 1)
    else {
      service.set(w.stationId, (service.get(w.stationId) ?? 0) + 1)
      atPoint.set(w.servicePointId!, (atPoint.get(w.servicePointId!) ?? 0) + 1)
    }
  }
  const { min: unitMin, max: unitMax } = STATION_GRID_UNITS.value
  const { min: supMin, max: supMax } = SUPERVISOR_STATIONS.value
  const villages = (s: { townCode: string }) => villagesOfTown.get(s.townCode) ?? 0
  return {
    stationsWithTooFewUnits: data.stations.filter((s) => (unitsOf.get(s.id) ?? 0) < unitMin).length,
    stationsWithTooManyUnits: data.stations.filter((s) => (unitsOf.get(s.id) ?? 0) > unitMax).length,
    villagesInNoUnit: [...villagesOfTown.values()].reduce((a, b) => a + b, 0) - inUnit.size,
    townsShortOfServicePosts: data.stations.filter((s) => (service.get(s.id) ?? 0) < villages(s)).length,
    stationsShortOfAdmin: data.stations.filter((s) => (admin.get(s.id) ?? 0) < STATION_ADMIN_POSTS_MIN.value).length,
    emptyServicePoints: data.servicePoints.filter((p) => !atPoint.has(p.id)).length,
    overstaffedTowns: data.stations.filter((s) => (admin.get(s.id) ?? 0) + (service.get(s.id) ?? 0) > 1.3 * (villages(s) + 2)).length,
    supervisorsUnderloaded: data.supervisors.filter((s) => s.stationIds.length < supMin).length,
    supervisorsOverloaded: data.supervisors.filter((s) => s.stationIds.length > supMax).length,
  }
}
