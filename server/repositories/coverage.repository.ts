/**
 * Per-village facts of coverage within a scope: population and special groups, grid
 * unit, the nearest service point of the unit and the straight-line distance to it
 * (metres, on the sphere, from a point inside the village), and the unit's workers.
 */
import type { Knex } from 'knex'
import type { MultiPolygon } from 'geojson'
import { SPECIAL_GROUPS, type SpecialGroupCounts } from '../../solver/policy.js'
import { countyOf } from '../../geodata/codes.js'
import { under } from './scope.js'

export interface VillageCoverageRow extends SpecialGroupCounts {
  code: string
  name: string
  townCode: string
  population: number
  gridUnitId: string | null
  servicePointId: string | null
  servicePointName: string | null
  /** Straight-line distance to the service point, metres; null without a point. */
  distanceM: number | null
  /** Workers posted at the points of the village's grid unit. */
  unitWorkers: number
  geometry?: MultiPolygon
}

export interface TownPostsRow {
  code: string
  name: string
  countyCode: string
  stationId: string | null
  adminPosts: number
  servicePosts: number
}

/**
 * The coverage facts of every village within the scope, with geometry for the villages
 * within `geometryWithin` (none when null).
 */
export async function villageCoverageFacts(knex: Knex, scope: string, geometryWithin: string | null): Promise<VillageCoverageRow[]> {
  const groups = SPECIAL_GROUPS.map((g) => `coalesce(g.${g}, 0)::int as "${g}"`).join(', ')
  const { rows } = await knex.raw(
    `with unit_workers as (
       select p.grid_unit_id, count(w.id)::int as n
         from service_points p left join workers w on w.service_point_id = p.id
        where p.station_id in (select id from stations where town_code like :like)
        group by p.grid_unit_id)
     select v.code, v.name, v.parent_code as "townCode", v.population, ${groups},
            m.grid_unit_id as "gridUnitId", sp.id as "servicePointId", sp.name as "servicePointName",
            case when sp.id is null then null else ST_DistanceSphere(v.inner_point, sp.geom) end as "distanceM",
            coalesce(uw.n, 0) as "unitWorkers"
            ${geometryWithin === null ? '' : ', case when v.code like :geometryLike then ST_AsGeoJSON(v.geom, 6) end as geometry'}
       from divisions v
       left join village_special_groups g on g.village_code = v.code
       left join grid_unit_villages m on m.village_code = v.code
       left join unit_workers uw on uw.grid_unit_id = m.grid_unit_id
       left join lateral (
         select p.id, p.name, p.geom from service_points p
          where p.grid_unit_id = m.grid_unit_id
          order by p.geom <-> v.geom, p.id limit 1) sp on true
      where v.level = 'village' and v.code like :like
      order by v.code`,
    { like: under(scope), ...(geometryWithin === null ? {} : { geometryLike: under(geometryWithin) }) },
  )
  // Objects of one literal shape (not spreads of the driver's rows): the coverage of a
  // province reads 27,000 of them several times, and a uniform shape keeps that fast.
  return (rows as (VillageCoverageRow & { geometry?: MultiPolygon | string })[]).map((r) => {
    const row = {
      code: r.code,
      name: r.name,
      townCode: r.townCode,
      population: r.population,
      gridUnitId: r.gridUnitId,
      servicePointId: r.servicePointId,
      servicePointName: r.servicePointName,
      distanceM: r.distanceM === null ? null : Number(r.distanceM),
      unitWorkers: r.unitWorkers,
      geometry: typeof r.geometry === 'string' ? (JSON.parse(r.geometry) as MultiPolygon) : (r.geometry ?? undefined),
    } as VillageCoverageRow
    for (const g of SPECIAL_GROUPS) row[g] = r[g]
    return row
  })
}

/** Posts of every town within the scope (administrative and service). */
export async function townPosts(knex: Knex, scope: string): Promise<TownPostsRow[]> {
  const { rows } = await knex.raw(
    `select t.code, t.name, t.parent_code as "countyCode", s.id as "stationId",
            (select count(*) from workers w where w.station_id = s.id and w.post = 'station')::int as "adminPosts",
            (select count(*) from workers w where w.station_id = s.id and w.post = 'point')::int as "servicePosts"
       from divisions t left join stations s on s.town_code = t.code
      where t.level = 'town' and t.code like ?
      order by t.code`,
    [under(scope)],
  )
  return rows
}

/** Names of the counties within (or containing) the scope. */
export async function countyNames(knex: Knex, scope: string): Promise<Map<string, string>> {
  const rows: { code: string; name: string }[] = await knex('divisions')
    .select('code', 'name')
    .where('level', 'county')
    .andWhere((q) => q.whereLike('code', under(scope)).orWhere('code', countyOf(scope) ?? scope))
  return new Map(rows.map((r) => [r.code, r.name]))
}
