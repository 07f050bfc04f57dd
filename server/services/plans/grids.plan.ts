/**
 * Grid plans: for every town in scope the solver's `designGrids` partitions the villages
 * into 2-3 contiguous grid units (Dongguan rules), balanced in weighted demand, each with
 * its host village (where the service point sits). The new units take over today's unit
 * ids and service points where they overlap most; a point whose unit disappears hands its
 * workers to the new unit that holds its village. Staffing itself is left to a staff plan.
 * A town the rules cannot split (e.g. a single village) keeps its units and is reported.
 */
import { solveOffThread, type DesignGridsResult } from '../../../solver/index.js'
import { gridTownFacts, readGridState, writeGridState, type GridState, type GridUnitState, type TownGrids } from '../../repositories/grids.repository.js'
import { STATION_GRID_UNITS } from '../../../solver/policy.js'
import { PlanInfeasible, type PlanStrategy, type PlanParams } from './types.js'
import type { GridPlanDiff } from '../../contract/plan-diffs.js'
import { inParallel } from '../../repositories/parallel.js'

type Designed = DesignGridsResult['units'][number]

/** New units onto today's: greedy by the largest village overlap; returns new index → old unit. */
function matchUnits(designed: Designed[], today: GridUnitState[]): Map<number, GridUnitState> {
  const pairs: Array<{ i: number; u: GridUnitState; overlap: number }> = []
  designed.forEach((d, i) => {
    const mine = new Set(d.villages)
    for (const u of today) pairs.push({ i, u, overlap: u.villages.filter((v) => mine.has(v)).length })
  })
  pairs.sort((a, b) => b.overlap - a.overlap || a.i - b.i || a.u.id.localeCompare(b.u.id))
  const out = new Map<number, GridUnitState>()
  const used = new Set<string>()
  for (const p of pairs) {
    if (p.overlap === 0 || out.has(p.i) || used.has(p.u.id)) continue
    out.set(p.i, p.u)
    used.add(p.u.id)
  }
  return out
}

/** How many units to design: today's number clamped to 2-3 by default (STATION_GRID_UNITS). */
function unitsFor(choice: NonNullable<PlanParams['gridUnits']>, today: number): number | 'auto' {
  const { min, max } = STATION_GRID_UNITS.value
  if (choice === 'keep') return Math.min(max, Math.max(min, today))
  return choice
}

/** The next free "<prefix><n>" id. */
function freshId(prefix: string, taken: Set<string>): string {
  let n = 1
  while (taken.has(`${prefix}${n}`)) n++
  taken.add(`${prefix}${n}`)
  return `${prefix}${n}`
}

export const gridsPlan: PlanStrategy<GridState, GridPlanDiff> = {
  scopes: ['city', 'county', 'town'],
  readState: readGridState,
  writeState: writeGridState,

  async compute(knex, within, params: PlanParams, { progress, signal }) {
    progress(0.05, { step: 'readingData', done: 0, total: 1 })
    const [facts, today] = await inParallel(knex, [() => gridTownFacts(knex, within), () => readGridState(knex, within)])
    const todayByTown = new Map(today.towns.map((t) => [t.code, t]))
    const target: GridState = { towns: [], workers: today.workers.map((w) => ({ ...w })) }
    const workersAt = new Map<string, GridState['workers']>()
    for (const w of target.workers) if (w.servicePointId) workersAt.set(w.servicePointId, [...(workersAt.get(w.servicePointId) ?? []), w])
    const towns: Record<string, unknown>[] = []
    const skipped: unknown[] = []
    let totalMs = 0
    // Towns are independent: they are designed side by side on the solver pool's threads.
    let designed = 0
    progress(0.1, { step: 'designingGrids', done: 0, total: facts.length })
    const solved = await Promise.all(
      facts.map(async (town) => {
        const current = todayByTown.get(town.code)
        if (!current || !town.stationId) return null
        const r = await solveOffThread(
          'designGrids',
          {
            town: { code: town.code, name: town.name },
            villages: town.villages.map((v) => ({ code: v.code, name: v.name, population: v.population, groups: v.groups, lnglat: v.lnglat })),
            adjacency: town.adjacency,
            weights: params.weights,
            units: unitsFor(params.gridUnits ?? 'keep', current.units.length),
            current: current.units.map((u) => ({ id: u.id, hostVillage: u.points[0]?.villageCode ?? u.villages[0], villages: u.villages })).filter((u) => u.villages.length),
          },
          { timeLimitSec: params.timeLimitSec ?? 20, signal },
        )
        designed++
        progress(0.1 + (0.8 * designed) / facts.length, { step: 'designingGrids', town: town.name, done: designed, total: facts.length })
        return r
      }),
    )
    // In the towns' order: rebuilding a town moves workers of the points it removes.
    for (const [i, town] of facts.entries()) {
      const current = todayByTown.get(town.code)
      const r = solved[i]
      if (!current || !r) {
        skipped.push({ code: town.code, name: town.name, reason: 'no station' })
        continue
      }
      totalMs += r.ms
      if (!r.verified) {
        skipped.push({ code: town.code, name: town.name, status: r.status, explanations: r.explanations ?? [] })
        target.towns.push(current) // keeps today's units
        continue
      }
      towns.push({ code: town.code, name: town.name, status: r.status, gap: r.gap ?? null, units: r.units.length, maxDeviation: r.balance.maxDeviation, contiguous: r.contiguous })
      target.towns.push(rebuildTown(current, r.units, town.villages, workersAt))
    }
    if (!towns.length) throw new PlanInfeasible('no town in scope can be given 2-3 contiguous grid units', skipped)
    const status = towns.every((t) => t.status === 'optimal') ? 'optimal' : 'feasible'
    return {
      result: { status, objective: null, backend: 'highs', backendStatus: `${towns.length} towns designed`, ms: totalMs, verified: true, towns, skipped },
      target,
    }
  },

  async diff(_knex, _within, before, after) {
    const beforeTowns = new Map(before.towns.map((t) => [t.code, t]))
    const unitOf = (t: TownGrids | undefined) => new Map((t?.units ?? []).flatMap((u) => u.villages.map((v) => [v, u.id] as const)))
    const membership: Array<{ villageCode: string; from: string | null; to: string | null }> = []
    const units: Array<{ id: string; townCode: string; change: 'added' | 'removed' | 'changed'; villages: string[]; host: string | null }> = []
    for (const t of after.towns) {
      const b = beforeTowns.get(t.code)
      const was = unitOf(b)
      const now = unitOf(t)
      for (const v of new Set([...was.keys(), ...now.keys()])) {
        if (was.get(v) !== now.get(v)) membership.push({ villageCode: v, from: was.get(v) ?? null, to: now.get(v) ?? null })
      }
      const oldUnits = new Map((b?.units ?? []).map((u) => [u.id, u]))
      for (const u of t.units) {
        const o = oldUnits.get(u.id)
        const host = u.points[0]?.villageCode ?? null
        if (!o) units.push({ id: u.id, townCode: t.code, change: 'added', villages: u.villages, host })
        else if (JSON.stringify(o.villages) !== JSON.stringify(u.villages) || (o.points[0]?.villageCode ?? null) !== host) {
          units.push({ id: u.id, townCode: t.code, change: 'changed', villages: u.villages, host })
        }
        oldUnits.delete(u.id)
      }
      for (const o of oldUnits.values()) units.push({ id: o.id, townCode: t.code, change: 'removed', villages: o.villages, host: o.points[0]?.villageCode ?? null })
    }
    const was = new Map(before.workers.map((w) => [w.id, w]))
    const moves = after.workers
      .filter((w) => was.get(w.id)?.servicePointId !== w.servicePointId)
      .map((w) => ({ workerId: w.id, from: was.get(w.id)?.servicePointId ?? null, to: w.servicePointId }))
    return {
      kind: 'grids',
      summary: {
        villagesMoved: membership.length,
        unitsAdded: units.filter((u) => u.change === 'added').length,
        unitsRemoved: units.filter((u) => u.change === 'removed').length,
        unitsChanged: units.filter((u) => u.change === 'changed').length,
        workersMoved: moves.length,
      },
      membership,
      units,
      moves,
    }
  },
}

/** A town's new units on today's ids and points (see the module comment). */
function rebuildTown(
  current: TownGrids,
  designed: Designed[],
  villages: Array<{ code: string; name: string; lnglat: [number, number] }>,
  workersAt: Map<string, GridState['workers']>,
): TownGrids {
  const villageOf = new Map(villages.map((v) => [v.code, v]))
  const match = matchUnits(designed, current.units)
  const unitIds = new Set(current.units.map((u) => u.id))
  const pointIds = new Set(current.units.flatMap((u) => u.points.map((p) => p.id)))
  const units: GridUnitState[] = designed.map((d, i) => {
    const old = match.get(i)
    const id = old?.id ?? freshId(`gu-${current.code}-`, unitIds)
    const hostVillage = villageOf.get(d.host)!
    const keep = old?.points[0]
    const point = keep && keep.villageCode === d.host
      ? keep
      : { id: keep?.id ?? freshId(`sp-${current.code}-`, pointIds), name: `${hostVillage.name}社工点`, villageCode: d.host, lnglat: hostVillage.lnglat }
    return { id, name: old?.name ?? `第${i + 1}网格`, villages: [...d.villages].sort(), points: [point] }
  })
  // Workers of points that disappear go to the point of the unit now holding that point's village.
  const kept = new Set(units.map((u) => u.points[0].id))
  const unitOfVillage = new Map(units.flatMap((u) => u.villages.map((v) => [v, u] as const)))
  for (const old of current.units) {
    for (const p of old.points) {
      if (kept.has(p.id)) continue
      const to = (unitOfVillage.get(p.villageCode) ?? units[0]).points[0].id
      for (const w of workersAt.get(p.id) ?? []) w.servicePointId = to
    }
  }
  return { code: current.code, stationId: current.stationId, units }
}
