/**
 * Read queries of the programme's network within a division: villages, stations,
 * grid units, service points, workers and supervisors. Geometry as parsed GeoJSON.
 */
import type { Knex } from 'knex'
import type { Geometry } from 'geojson'
import { SPECIAL_GROUPS } from '../../solver/policy.js'
import { SUPERVISOR_IN_SCOPE, under } from './scope.js'

const geo = (column: string) => `ST_AsGeoJSON(${column}, 6) as geometry`
type Row = Record<string, unknown> & { geometry: Geometry | string | null }

/** pg returns json text from ST_AsGeoJSON; parse it the same way on both backends. */
function parseGeometry<T extends Row>(rows: T[]): (T & { geometry: Geometry | null })[] {
  return rows.map((r) => ({ ...r, geometry: typeof r.geometry === 'string' ? (JSON.parse(r.geometry) as Geometry) : r.geometry }))
}

/** Villages with population, special groups, grid unit and the unit's service point. */
export async function villagesWithin(knex: Knex, scope: string) {
  const groups = SPECIAL_GROUPS.map((g) => `coalesce(g.${g}, 0)::int as "${g}"`).join(', ')
  const { rows } = await knex.raw(
    `select d.code, d.name, d.parent_code as "townCode", d.population, ${groups},
            m.grid_unit_id as "gridUnitId",
            (select p.id from service_points p where p.grid_unit_id = m.grid_unit_id order by p.id limit 1) as "servicePointId",
            ${geo('d.geom')}
       from divisions d
       left join village_special_groups g on g.village_code = d.code
       left join grid_unit_villages m on m.village_code = d.code
      where d.level = 'village' and d.code like ?
      order by d.code`,
    [under(scope)],
  )
  return parseGeometry(rows as Row[])
}

/**
 * Stations with their posts (administrative and service), grid-unit count and supervisor
 * (id and name: the one thing of a supervisor every reader of the station may see).
 */
export async function stationsWithin(knex: Knex, within: string) {
  const { rows } = await knex.raw(
    `select s.id, s.name, s.town_code as "townCode",
            (select count(*) from workers w where w.station_id = s.id and w.post = 'station')::int as "adminPosts",
            (select count(*) from workers w where w.station_id = s.id and w.post = 'point')::int as "servicePosts",
            (select count(*) from grid_units u where u.station_id = s.id)::int as "gridUnits",
            ss.supervisor_id as "supervisorId", sv.name as "supervisorName",
            ${geo('s.geom')}
       from stations s
       left join supervisor_stations ss on ss.station_id = s.id
       left join supervisors sv on sv.id = ss.supervisor_id
      where s.town_code like ? order by s.id`,
    [under(within)],
  )
  return parseGeometry(rows as Row[])
}

/** Grid units with their villages; geometry = union of the villages (null when empty). */
export async function gridUnitsWithin(knex: Knex, scope: string) {
  const { rows } = await knex.raw(
    `select u.id, u.name, u.station_id as "stationId", u.town_code as "townCode",
            coalesce(array_agg(m.village_code order by m.village_code) filter (where m.village_code is not null), '{}') as "villageCodes",
            ${geo('ST_Multi(ST_Union(d.geom))')}
       from grid_units u
       left join grid_unit_villages m on m.grid_unit_id = u.id
       left join divisions d on d.code = m.village_code
      where u.town_code like ?
      group by u.id order by u.id`,
    [under(scope)],
  )
  return parseGeometry(rows as Row[])
}

/** Service points with their host village and number of workers. */
export async function servicePointsWithin(knex: Knex, scope: string) {
  const { rows } = await knex.raw(
    `select p.id, p.name, p.grid_unit_id as "gridUnitId", p.station_id as "stationId", p.village_code as "villageCode",
            s.town_code as "townCode",
            (select count(*) from workers w where w.service_point_id = p.id)::int as workers,
            ${geo('p.geom')}
       from service_points p join stations s on s.id = p.station_id
      where s.town_code like ? order by p.id`,
    [under(scope)],
  )
  return parseGeometry(rows as Row[])
}

/** Workers with their post; geometry = home point. */
export async function workersWithin(knex: Knex, scope: string) {
  const { rows } = await knex.raw(
    `select w.id, w.name, w.post, w.station_id as "stationId", w.service_point_id as "servicePointId",
            s.town_code as "townCode", w.certified, w.specialty, to_char(w.hired_on, 'YYYY-MM-DD') as "hiredOn",
            ${geo('w.home')}
       from workers w join stations s on s.id = w.station_id
      where s.town_code like ? order by w.id`,
    [under(scope)],
  )
  return parseGeometry(rows as Row[])
}

/**
 * Supervisors based in `within` or covering a station in it. A supervisor is a person who
 * crosses scopes, so what a reader sees depends on the reader's own `scope`: a supervisor
 * based in it is shown in full (county, home base, number of stations); any other appears
 * only by id and name (`restricted: true`), never with a location. Either way only the
 * stations inside the reader's scope are listed.
 */
export async function supervisorsWithin(knex: Knex, within: string, scope: string) {
  const mine = 'v.county_code like :scope'
  const { rows } = await knex.raw(
    `select v.id, v.name, not (${mine}) as restricted,
            case when ${mine} then v.county_code end as "countyCode",
            coalesce((select array_agg(ss.station_id order by ss.station_id)
                        from supervisor_stations ss join stations s on s.id = ss.station_id
                       where ss.supervisor_id = v.id and s.town_code like :scope), '{}') as "stationIds",
            case when ${mine} then (select count(*) from supervisor_stations ss where ss.supervisor_id = v.id)::int end as "stationCount",
            case when ${mine} then ST_AsGeoJSON(v.base, 6) end as geometry
       from supervisors v
      where ${SUPERVISOR_IN_SCOPE.replaceAll('?', ':within')}
      order by v.id`,
    { within: under(within), scope: under(scope) },
  )
  return parseGeometry(rows as Row[])
}
