/**
 * Supervisor plans: the solver's `assignSupervisors` gives every station in scope one
 * supervisor, 5-8 stations each (Shaoguan plan §2(6)), least total base-to-station
 * distance, then the most even load. The state is each station's supervisor.
 *
 * A county plan covers the county's stations and the supervisors based in the county or
 * serving one of its stations. A supervisor's stations in other counties stay theirs (the
 * plan writes only its scope), so the rule counts them: a supervisor with 3 stations
 * elsewhere gets 2-5 of the county's.
 */
import { solveOffThread } from '../../../solver/index.js'
import { haversineMetres } from '../../../solver/geo.js'
import { readStationSupervisors, supervisorFacts, writeStationSupervisors, type StationSupervisor } from '../../repositories/supervision.repository.js'
import { PlanInfeasible, type PlanStrategy } from './types.js'
import type { SupervisorPlanDiff } from '../../contract/plan-diffs.js'

export const supervisorsPlan: PlanStrategy<StationSupervisor[], SupervisorPlanDiff> = {
  scopes: ['city', 'county'],
  readState: readStationSupervisors,
  writeState: writeStationSupervisors,

  async compute(knex, within, params, { progress, signal }) {
    progress(0.1, { step: 'readingData', done: 0, total: 1 })
    const facts = await supervisorFacts(knex, within)
    progress(0.3, { step: 'assigningSupervisors', done: 0, total: 1 })
    const r = await solveOffThread(
      'assignSupervisors',
      {
        stations: facts.stations.map((s) => ({ id: s.id, name: s.name, lnglat: s.lnglat })),
        // A supervisor serving stations of another county keeps them: 5-8 holds for their total.
        supervisors: facts.supervisors.map((s) => ({ id: s.id, name: s.name, base: s.base, keep: s.outside })),
      },
      { timeLimitSec: params.timeLimitSec, signal },
    )
    const meta = { status: r.status, objective: r.objective, bound: r.bound ?? null, gap: r.gap ?? null, backend: r.backend, backendStatus: r.backendStatus, ms: r.ms, verified: r.verified }
    if (r.explanations?.length) throw new PlanInfeasible(r.explanations.map((e) => e.message.en).join('; '), r.explanations, meta)
    if (!r.verified) throw new Error(`assignSupervisors found no verified assignment (${r.status}: ${r.backendStatus})`)
    return {
      result: { ...meta, totalDistanceKm: r.totalDistanceM === null ? null : Math.round(r.totalDistanceM) / 1000, minDistanceKm: r.minDistanceM === null ? null : Math.round(r.minDistanceM) / 1000 },
      target: facts.stations.map((s) => ({ stationId: s.id, supervisorId: r.assignment[s.id] ?? null })),
    }
  },

  async diff(knex, within, before, after) {
    const facts = await supervisorFacts(knex, within)
    const station = new Map(facts.stations.map((s) => [s.id, s]))
    const sup = new Map(facts.supervisors.map((s) => [s.id, s]))
    const afterOf = new Map(after.map((a) => [a.stationId, a.supervisorId]))
    const changes = before
      .filter((b) => afterOf.get(b.stationId) !== b.supervisorId)
      .map((b) => ({
        stationId: b.stationId,
        name: station.get(b.stationId)?.name ?? b.stationId,
        from: b.supervisorId ? { id: b.supervisorId, name: sup.get(b.supervisorId)?.name ?? b.supervisorId } : null,
        to: afterOf.get(b.stationId) ? { id: afterOf.get(b.stationId)!, name: sup.get(afterOf.get(b.stationId)!)?.name ?? '' } : null,
      }))
    const load = (state: StationSupervisor[], id: string) => {
      const mine = state.filter((s) => s.supervisorId === id)
      const km = mine.reduce((d, s) => {
        const st = station.get(s.stationId)
        const base = sup.get(id)?.base
        return st && base ? d + haversineMetres(base, st.lnglat) / 1000 : d
      }, 0)
      return { stations: mine.length, distanceKm: Math.round(km * 10) / 10 }
    }
    const supervisors = facts.supervisors.map((s) => ({ id: s.id, name: s.name, before: load(before, s.id), after: load(after, s.id) }))
    return { kind: 'supervisors', summary: { stationsReassigned: changes.length }, supervisors, changes }
  },
}
