/** The facts the programme rules are checked against, for every entity within a scope. */
import type { Knex } from 'knex'
import { SUPERVISOR_IN_SCOPE, under } from './scope.js'
import { inParallel } from './parallel.js'

export interface StationFacts {
  id: string
  name: string
  townCode: string
  adminPosts: number
  gridUnits: number
  supervisorId: string | null
}
export interface TownFacts {
  code: string
  name: string
  villages: number
  servicePosts: number
}
export interface VillageCoverageFacts {
  code: string
  name: string
  townCode: string
  gridUnitId: string | null
  servicePoints: number
}
export interface PointFacts {
  id: string
  name: string
  gridUnitId: string
  townCode: string
  workers: number
}
export interface SupervisorRuleFacts {
  id: string
  name: string
  stations: number
}
export interface RuleFacts {
  stations: StationFacts[]
  towns: TownFacts[]
  villages: VillageCoverageFacts[]
  points: PointFacts[]
  supervisors: SupervisorRuleFacts[]
}

/** Loads the rule facts within a scope (only villages lacking coverage are loaded). */
export async function ruleFacts(knex: Knex, scope: string): Promise<RuleFacts> {
  const like = under(scope)
  const [stations, towns, villages, points, supervisors] = await inParallel(knex, [
    () => knex.raw(
      `select s.id, s.name, s.town_code as "townCode",
              (select count(*) from workers w where w.station_id = s.id and w.post = 'station')::int as "adminPosts",
              (select count(*) from grid_units u where u.station_id = s.id)::int as "gridUnits",
              (select supervisor_id from supervisor_stations ss where ss.station_id = s.id) as "supervisorId"
         from stations s where s.town_code like ? order by s.id`,
      [like],
    ),
    () => knex.raw(
      `select t.code, t.name,
              (select count(*) from divisions v where v.parent_code = t.code)::int as villages,
              (select count(*) from workers w join stations s on s.id = w.station_id
                where s.town_code = t.code and w.post = 'point')::int as "servicePosts"
         from divisions t where t.level = 'town' and t.code like ? order by t.code`,
      [like],
    ),
    () => knex.raw(
      `select v.code, v.name, v.parent_code as "townCode", m.grid_unit_id as "gridUnitId",
              (select count(*) from service_points p where p.grid_unit_id = m.grid_unit_id)::int as "servicePoints"
         from divisions v left join grid_unit_villages m on m.village_code = v.code
        where v.level = 'village' and v.code like ?
          and (m.grid_unit_id is null or not exists (select 1 from service_points p where p.grid_unit_id = m.grid_unit_id))
        order by v.code`,
      [like],
    ),
    () => knex.raw(
      `select p.id, p.name, p.grid_unit_id as "gridUnitId", s.town_code as "townCode",
              (select count(*) from workers w where w.service_point_id = p.id)::int as workers
         from service_points p join stations s on s.id = p.station_id
        where s.town_code like ? order by p.id`,
      [like],
    ),
    () =>
      knex.raw(
      `select v.id, v.name, (select count(*) from supervisor_stations ss where ss.supervisor_id = v.id)::int as stations
         from supervisors v
        where ${SUPERVISOR_IN_SCOPE}
        order by v.id`,
      [like, like],
    ),
  ])
  return {
    stations: stations.rows,
    towns: towns.rows,
    villages: villages.rows,
    points: points.rows,
    supervisors: supervisors.rows,
  }
}
