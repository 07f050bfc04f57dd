/**
 * What staff plans read and write: the facts `allocateStaff` and `assignWorkers` need within
 * a scope, and the posts of its workers (a staff plan's state).
 */
import type { Knex } from 'knex'
import { SPECIAL_GROUPS, type SpecialGroupCounts } from '../../solver/policy.js'
import { under } from './scope.js'
import { inParallel } from './parallel.js'
import { recordset } from './recordset.js'

type LngLat = [number, number]

export interface StaffFacts {
  towns: Array<{
    code: string
    name: string
    countyCode: string
    countyName: string
    station: { id: string; name: string; lnglat: LngLat } | null
    villages: Array<{ code: string; name: string; population: number; groups: SpecialGroupCounts; pointId: string | null; inGridUnit: boolean }>
    points: Array<{ id: string; name: string; gridUnitId: string; lnglat: LngLat }>
  }>
  workers: Array<{ id: string; name: string; post: 'station' | 'point'; stationId: string; servicePointId: string | null; specialty: string | null; home: LngLat | null }>
}

/**
 * The facts of a staff plan within a county or city. A village in no grid unit is given
 * the nearest service point of its town (its demand has to be served by someone until a
 * grid plan places it); `inGridUnit` tells which.
 */
export async function staffFacts(knex: Knex, within: string): Promise<StaffFacts> {
  const like = under(within)
  const groups = SPECIAL_GROUPS.map((g) => `coalesce(g.${g}, 0)::int as "${g}"`).join(', ')
  const [towns, villages, points, workers] = await inParallel(knex, [
    () => knex.raw(
      `select t.code, t.name, c.code as "countyCode", c.name as "countyName",
              s.id as "stationId", s.name as "stationName", ST_X(s.geom) as lng, ST_Y(s.geom) as lat
         from divisions t join divisions c on c.code = t.parent_code
         left join stations s on s.town_code = t.code
        where t.level = 'town' and t.code like ? order by t.code`,
      [like],
    ),
    () => knex.raw(
      `select v.code, v.name, v.parent_code as "townCode", v.population, ${groups},
              (m.grid_unit_id is not null) as "inGridUnit",
              coalesce(
                (select p.id from service_points p where p.grid_unit_id = m.grid_unit_id order by p.geom <-> v.geom, p.id limit 1),
                (select p.id from service_points p join stations s on s.id = p.station_id
                  where m.grid_unit_id is null and s.town_code = v.parent_code order by p.geom <-> v.geom, p.id limit 1)
              ) as "pointId"
         from divisions v
         left join village_special_groups g on g.village_code = v.code
         left join grid_unit_villages m on m.village_code = v.code
        where v.level = 'village' and v.code like ? order by v.code`,
      [like],
    ),
    () => knex.raw(
      `select p.id, p.name, p.grid_unit_id as "gridUnitId", s.town_code as "townCode", ST_X(p.geom) as lng, ST_Y(p.geom) as lat
         from service_points p join stations s on s.id = p.station_id where s.town_code like ? order by p.id`,
      [like],
    ),
    () => knex.raw(
      `select w.id, w.name, w.post, w.station_id as "stationId", w.service_point_id as "servicePointId", w.specialty,
              ST_X(w.home) as lng, ST_Y(w.home) as lat
         from workers w join stations s on s.id = w.station_id where s.town_code like ? order by w.id`,
      [like],
    ),
  ])
  const byTown = new Map<string, StaffFacts['towns'][number]>()
  for (const t of towns.rows) {
    byTown.set(t.code, {
      code: t.code,
      name: t.name,
      countyCode: t.countyCode,
      countyName: t.countyName,
      station: t.stationId ? { id: t.stationId, name: t.stationName, lnglat: [Number(t.lng), Number(t.lat)] } : null,
      villages: [],
      points: [],
    })
  }
  for (const v of villages.rows) {
    const g = Object.fromEntries(SPECIAL_GROUPS.map((k) => [k, v[k]])) as SpecialGroupCounts
    byTown.get(v.townCode)?.villages.push({ code: v.code, name: v.name, population: v.population, groups: g, pointId: v.pointId, inGridUnit: v.inGridUnit })
  }
  for (const p of points.rows) {
    byTown.get(p.townCode)?.points.push({ id: p.id, name: p.name, gridUnitId: p.gridUnitId, lnglat: [Number(p.lng), Number(p.lat)] })
  }
  return {
    towns: [...byTown.values()],
    workers: workers.rows.map((w: Record<string, unknown>) => ({
      id: w.id,
      name: w.name,
      post: w.post,
      stationId: w.stationId,
      servicePointId: w.servicePointId,
      specialty: w.specialty,
      home: w.lng === null ? null : [Number(w.lng), Number(w.lat)],
    })),
  }
}

/** One worker's post; a staff plan's state is the list of these for every worker in scope. */
export interface WorkerPost {
  id: string
  post: 'station' | 'point'
  stationId: string
  servicePointId: string | null
}

export async function readWorkerPosts(knex: Knex, within: string): Promise<WorkerPost[]> {
  const { rows } = await knex.raw(
    `select w.id, w.post, w.station_id as "stationId", w.service_point_id as "servicePointId"
       from workers w join stations s on s.id = w.station_id where s.town_code like ? order by w.id`,
    [under(within)],
  )
  return rows
}

/**
 * Writes the posts of the given workers in one statement (only workers in scope, to posts
 * in scope: the query checks both); rows already as given are left alone. Returns how many
 * rows changed.
 */
export async function writeWorkerPosts(trx: Knex.Transaction, within: string, posts: WorkerPost[]): Promise<number> {
  if (!posts.length) return 0
  const rows = posts.map((p) => ({ id: p.id, post: p.post, station_id: p.stationId, service_point_id: p.servicePointId }))
  const { rowCount } = await trx.raw(
    `update workers w set post = x.post, station_id = x.station_id, service_point_id = x.service_point_id
       from ? , stations s_old, stations s_new
      where w.id = x.id and s_old.id = w.station_id and s_old.town_code like ? and s_new.id = x.station_id and s_new.town_code like ?
        and (w.post, w.station_id, w.service_point_id) is distinct from (x.post, x.station_id, x.service_point_id)`,
    [recordset(trx, 'x', 'id text, post text, station_id text, service_point_id text', rows), under(within), under(within)],
  )
  return rowCount ?? 0
}
