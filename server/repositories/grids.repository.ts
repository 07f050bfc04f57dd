/**
 * Grid units as plans see them: per town, its units with their villages and service
 * points, the villages' facts for `designGrids` (demand inputs, a point inside each village,
 * which villages share a boundary), and writing a town's units back.
 */
import type { Knex } from 'knex'
import { SPECIAL_GROUPS, type SpecialGroupCounts } from '../../solver/policy.js'
import { readWorkerPosts, writeWorkerPosts, type WorkerPost } from './staff.repository.js'
import { under } from './scope.js'
import { inParallel } from './parallel.js'
import { recordset } from './recordset.js'

type LngLat = [number, number]

export interface GridPoint {
  id: string
  name: string
  villageCode: string
  lnglat: LngLat
}
export interface GridUnitState {
  id: string
  name: string
  villages: string[]
  points: GridPoint[]
}
export interface TownGrids {
  code: string
  stationId: string
  units: GridUnitState[]
}
/** A grid plan's state: every town's units in scope, and the posts of its workers. */
export interface GridState {
  towns: TownGrids[]
  workers: WorkerPost[]
}

export interface GridTownFacts {
  code: string
  name: string
  stationId: string | null
  villages: Array<{ code: string; name: string; population: number; groups: SpecialGroupCounts; lnglat: LngLat }>
  adjacency: Array<[string, string]>
}

/** The grid units of every town in scope (towns without a station are left out). */
export async function readGridState(knex: Knex, within: string): Promise<GridState> {
  const like = under(within)
  const [stations, units, members, points, workers] = await inParallel(knex, [
    () => knex.raw(`select id, town_code as "townCode" from stations where town_code like ? order by town_code`, [like]),
    () => knex.raw(`select id, name, town_code as "townCode" from grid_units where town_code like ? order by id`, [like]),
    () => knex.raw(`select village_code as v, grid_unit_id as u from grid_unit_villages where town_code like ? order by village_code`, [like]),
    () => knex.raw(
      `select p.id, p.name, p.village_code as "villageCode", p.grid_unit_id as u, ST_X(p.geom) as lng, ST_Y(p.geom) as lat
         from service_points p join stations s on s.id = p.station_id where s.town_code like ? order by p.id`,
      [like],
    ),
    () => readWorkerPosts(knex, within),
  ])
  const unitsById = new Map<string, GridUnitState>()
  const towns = new Map<string, TownGrids>()
  for (const s of stations.rows) towns.set(s.townCode, { code: s.townCode, stationId: s.id, units: [] })
  for (const u of units.rows) {
    const unit: GridUnitState = { id: u.id, name: u.name, villages: [], points: [] }
    unitsById.set(u.id, unit)
    towns.get(u.townCode)?.units.push(unit)
  }
  for (const m of members.rows) unitsById.get(m.u)?.villages.push(m.v)
  for (const p of points.rows) unitsById.get(p.u)?.points.push({ id: p.id, name: p.name, villageCode: p.villageCode, lnglat: [Number(p.lng), Number(p.lat)] })
  return { towns: [...towns.values()], workers }
}

/**
 * Writes the units of the state's towns in a fixed number of set-based statements, however
 * many towns, units, points and workers: units and points are upserted (unchanged rows left
 * alone), workers re-posted, memberships replaced, and units and points not in the state
 * deleted (in that order, so every foreign key holds at every step). Only towns in scope
 * are written: the statements check it.
 */
export async function writeGridState(trx: Knex.Transaction, within: string, state: GridState): Promise<void> {
  const current = await readGridState(trx, within)
  const currentTowns = new Map(current.towns.map((t) => [t.code, t]))
  for (const town of state.towns) if (!currentTowns.has(town.code)) throw new Error(`town ${town.code} is not in scope ${within}`)
  const like = under(within)
  const towns = state.towns.map((t) => t.code)
  const units = state.towns.flatMap((t) => t.units.map((u) => ({ id: u.id, station_id: t.stationId, town_code: t.code, name: u.name })))
  const points = state.towns.flatMap((t) =>
    t.units.flatMap((u) => u.points.map((p) => ({ id: p.id, grid_unit_id: u.id, station_id: t.stationId, village_code: p.villageCode, name: p.name, lng: p.lnglat[0], lat: p.lnglat[1] }))),
  )
  const members = state.towns.flatMap((t) => t.units.flatMap((u) => u.villages.map((v) => ({ village_code: v, town_code: t.code, grid_unit_id: u.id }))))

  if (units.length) {
    await trx.raw(
      `insert into grid_units (id, station_id, town_code, name)
       select x.id, x.station_id, x.town_code, x.name from ? where x.town_code like ?
       on conflict (id) do update set name = excluded.name
        where grid_units.town_code = excluded.town_code and grid_units.name is distinct from excluded.name`,
      [recordset(trx, 'x', 'id text, station_id text, town_code text, name text', units), like],
    )
  }
  if (points.length) {
    await trx.raw(
      `insert into service_points (id, grid_unit_id, station_id, village_code, name, geom)
       select x.id, x.grid_unit_id, x.station_id, x.village_code, x.name, ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326)
         from ? join stations s on s.id = x.station_id where s.town_code like ?
       on conflict (id) do update set grid_unit_id = excluded.grid_unit_id, village_code = excluded.village_code, name = excluded.name, geom = excluded.geom
        where service_points.station_id = excluded.station_id
          and (service_points.grid_unit_id, service_points.village_code, service_points.name, service_points.geom::bytea)
              is distinct from (excluded.grid_unit_id, excluded.village_code, excluded.name, excluded.geom::bytea)`,
      [recordset(trx, 'x', 'id text, grid_unit_id text, station_id text, village_code text, name text, lng float8, lat float8', points), like],
    )
  }
  // Workers next: none may stay on a point that is about to go.
  const postsBefore = new Map(current.workers.map((w) => [w.id, w]))
  const changed = state.workers.filter((w) => JSON.stringify(postsBefore.get(w.id)) !== JSON.stringify(w))
  await writeWorkerPosts(trx, within, changed)
  if (!towns.length) return
  await trx('grid_unit_villages').whereIn('town_code', towns).andWhereLike('town_code', like).del()
  if (members.length) {
    await trx.raw(
      `insert into grid_unit_villages (village_code, town_code, grid_unit_id) select x.village_code, x.town_code, x.grid_unit_id from ? where x.town_code like ?`,
      [recordset(trx, 'x', 'village_code text, town_code text, grid_unit_id text', members), like],
    )
  }
  const stations = towns.map((code) => currentTowns.get(code)!.stationId)
  await trx('service_points').whereIn('station_id', stations).whereNotIn('id', points.map((p) => p.id)).del()
  await trx('grid_units').whereIn('station_id', stations).andWhereLike('town_code', like).whereNotIn('id', units.map((u) => u.id)).del()
}

/** The facts `designGrids` needs for every town in scope. */
export async function gridTownFacts(knex: Knex, within: string): Promise<GridTownFacts[]> {
  const like = under(within)
  const groups = SPECIAL_GROUPS.map((g) => `coalesce(g.${g}, 0)::int as "${g}"`).join(', ')
  const [towns, villages, adjacency] = await inParallel(knex, [
    () => knex.raw(
      `select t.code, t.name, s.id as "stationId" from divisions t left join stations s on s.town_code = t.code
        where t.level = 'town' and t.code like ? order by t.code`,
      [like],
    ),
    () => knex.raw(
      `select v.code, v.name, v.parent_code as "townCode", v.population, ${groups},
              ST_X(v.inner_point) as lng, ST_Y(v.inner_point) as lat
         from divisions v left join village_special_groups g on g.village_code = v.code
        where v.level = 'village' and v.code like ? order by v.code`,
      [like],
    ),
    // Villages are adjacent when their boundaries share a line (DE-9IM boundary/boundary = 1).
    () =>
      knex.raw(
      `select a.code as a, b.code as b, a.parent_code as "townCode"
         from divisions a join divisions b on b.parent_code = a.parent_code and a.code < b.code and a.geom && b.geom
        where a.level = 'village' and a.code like ? and ST_Relate(a.geom, b.geom, '****1****')
        order by a.code, b.code`,
      [like],
    ),
  ])
  const out = new Map<string, GridTownFacts>()
  for (const t of towns.rows) out.set(t.code, { code: t.code, name: t.name, stationId: t.stationId, villages: [], adjacency: [] })
  for (const v of villages.rows) {
    const g = Object.fromEntries(SPECIAL_GROUPS.map((k) => [k, v[k]])) as SpecialGroupCounts
    out.get(v.townCode)?.villages.push({ code: v.code, name: v.name, population: v.population, groups: g, lnglat: [Number(v.lng), Number(v.lat)] })
  }
  for (const e of adjacency.rows) out.get(e.townCode)?.adjacency.push([e.a, e.b])
  return [...out.values()]
}
