/**
 * What supervisor plans read and write: the stations in a scope with the supervisors based
 * in it or covering one of its stations, and each station's supervisor (the plan's state).
 */
import type { Knex } from 'knex'
import { SUPERVISOR_IN_SCOPE, under } from './scope.js'
import { inParallel } from './parallel.js'
import { recordset } from './recordset.js'

type LngLat = [number, number]

export interface SupervisorPlanFacts {
  stations: Array<{ id: string; name: string; townCode: string; lnglat: LngLat; supervisorId: string | null }>
  /** `outside`: the supervisor's stations outside the scope (which a plan of the scope keeps). */
  supervisors: Array<{ id: string; name: string; countyCode: string; base: LngLat; outside: number }>
}

/** Stations within the scope and the supervisors based in it or covering one of its stations. */
export async function supervisorFacts(knex: Knex, within: string): Promise<SupervisorPlanFacts> {
  const like = under(within)
  const [stations, supervisors] = await inParallel(knex, [
    () => knex.raw(
      `select s.id, s.name, s.town_code as "townCode", ST_X(s.geom) as lng, ST_Y(s.geom) as lat, ss.supervisor_id as "supervisorId"
         from stations s left join supervisor_stations ss on ss.station_id = s.id
        where s.town_code like ? order by s.id`,
      [like],
    ),
    () => knex.raw(
      `select v.id, v.name, v.county_code as "countyCode", ST_X(v.base) as lng, ST_Y(v.base) as lat,
              (select count(*) from supervisor_stations ss join stations s on s.id = ss.station_id
                where ss.supervisor_id = v.id and s.town_code not like ?)::int as outside
         from supervisors v
        where ${SUPERVISOR_IN_SCOPE}
        order by v.id`,
      [like, like, like],
    ),
  ])
  return {
    stations: stations.rows.map((s: Record<string, unknown>) => ({ ...s, lnglat: [Number(s.lng), Number(s.lat)] })),
    supervisors: supervisors.rows.map((s: Record<string, unknown>) => ({ ...s, base: [Number(s.lng), Number(s.lat)] })),
  } as SupervisorPlanFacts
}

/** Station → supervisor (null: none); a supervisor plan's state, for every station in scope. */
export interface StationSupervisor {
  stationId: string
  supervisorId: string | null
}

export async function readStationSupervisors(knex: Knex, within: string): Promise<StationSupervisor[]> {
  const { rows } = await knex.raw(
    `select s.id as "stationId", ss.supervisor_id as "supervisorId"
       from stations s left join supervisor_stations ss on ss.station_id = s.id
      where s.town_code like ? order by s.id`,
    [under(within)],
  )
  return rows
}

/** Replaces the supervisor of every station in scope: two statements, whatever the number of stations. */
export async function writeStationSupervisors(trx: Knex.Transaction, within: string, rows: StationSupervisor[]): Promise<void> {
  const inScope = trx('stations').select('id').whereLike('town_code', under(within))
  await trx('supervisor_stations').whereIn('station_id', inScope).del()
  const assigned = rows.filter((r) => r.supervisorId !== null).map((r) => ({ station_id: r.stationId, supervisor_id: r.supervisorId }))
  if (!assigned.length) return
  await trx.raw(
    `insert into supervisor_stations (station_id, supervisor_id)
     select x.station_id, x.supervisor_id from ? join stations s on s.id = x.station_id where s.town_code like ?`,
    [recordset(trx, 'x', 'station_id text, supervisor_id text', assigned), under(within)],
  )
}

/** A supervisor with its base and every station it supervises (wherever they lie), or null. */
export interface SupervisorWithStations {
  id: string
  name: string
  countyCode: string
  base: LngLat
  stations: Array<{ id: string; name: string; townCode: string; lnglat: LngLat }>
}

/**
 * A supervisor by id. With `scope`, only when it lies in the scope (based in it, or covering
 * one of its stations), as the supervisors list shows it; without, as the CLI sees it.
 */
export async function findSupervisorWithStations(knex: Knex, id: string, scope?: string): Promise<SupervisorWithStations | null> {
  const { rows } = await knex.raw(
    `select v.id, v.name, v.county_code as "countyCode", ST_X(v.base) as lng, ST_Y(v.base) as lat
       from supervisors v
      where v.id = ? ${scope ? `and ${SUPERVISOR_IN_SCOPE}` : ''}`,
    scope ? [id, under(scope), under(scope)] : [id],
  )
  if (!rows.length) return null
  const v = rows[0]
  const stations = await knex.raw(
    `select s.id, s.name, s.town_code as "townCode", ST_X(s.geom) as lng, ST_Y(s.geom) as lat
       from supervisor_stations ss join stations s on s.id = ss.station_id
      where ss.supervisor_id = ? order by s.id`,
    [id],
  )
  return {
    id: v.id,
    name: v.name,
    countyCode: v.countyCode,
    base: [Number(v.lng), Number(v.lat)],
    stations: stations.rows.map((s: Record<string, unknown>) => ({ id: s.id, name: s.name, townCode: s.townCode, lnglat: [Number(s.lng), Number(s.lat)] })),
  }
}
