/** Divisions and their aggregate summaries (villages, population, groups, network). */
import type { Knex } from 'knex'
import type { MultiPolygon } from 'geojson'
import { CODE_LENGTH, NATION, type DivisionLevel } from '../../geodata/codes.js'
import { SPECIAL_GROUPS, type SpecialGroupCounts } from '../../solver/policy.js'
import { under } from './scope.js'
import { inParallel } from './parallel.js'

export interface DivisionRow {
  code: string
  name: string
  level: DivisionLevel
  parentCode: string | null
  population: number
}

export interface DivisionSummary {
  villages: number
  population: number
  specialGroups: SpecialGroupCounts
  stations: number
  gridUnits: number
  servicePoints: number
  workers: number
  stationWorkers: number
  pointWorkers: number
}

/** The summary of a division with nothing in it. */
export function emptySummary(): DivisionSummary {
  return {
    villages: 0,
    population: 0,
    specialGroups: Object.fromEntries(SPECIAL_GROUPS.map((g) => [g, 0])) as SpecialGroupCounts,
    stations: 0,
    gridUnits: 0,
    servicePoints: 0,
    workers: 0,
    stationWorkers: 0,
    pointWorkers: 0,
  }
}

const groupSums = SPECIAL_GROUPS.map((g) => `coalesce(sum(g.${g}), 0)::int as ${g}`).join(', ')

/** One division by code within a scope (a division code; '' = the nation, everywhere), or null. */
export async function findDivision(knex: Knex, code: string, scope = ''): Promise<DivisionRow | null> {
  const row = await knex('divisions')
    .select('code', 'name', 'level', 'parent_code as parentCode', 'population')
    .where({ code })
    .andWhereLike('code', under(scope))
    .first()
  return row ?? null
}

/**
 * The top divisions a scope sees: the scope's own division, or for the national root ('')
 * the divisions without a parent (the provinces).
 */
export async function listRoots(knex: Knex, scope: string): Promise<DivisionRow[]> {
  const q = knex('divisions').select('code', 'name', 'level', 'parent_code as parentCode', 'population')
  if (scope === NATION) q.whereNull('parent_code')
  else q.where({ code: scope })
  return q.orderBy('code')
}

/** Number of direct children of a division. */
export async function countChildren(knex: Knex, code: string): Promise<number> {
  const row = await knex('divisions').where({ parent_code: code }).count<{ n: number }[]>('* as n').first()
  return Number(row?.n ?? 0)
}

/**
 * Summaries of every division of `level` under `scope`, keyed by code: villages,
 * population, special groups, stations, grid units, points and workers.
 * With the scope's own level it summarises the scope itself.
 */
export async function summariesByKey(knex: Knex, scope: string, level: DivisionLevel): Promise<Map<string, DivisionSummary>> {
  const like = under(scope)
  const keyLength = CODE_LENGTH[level]
  const [villages, stations, units, points, workers] = await inParallel(knex, [
    () => knex.raw(
      `select left(d.code, ?) as k, count(*)::int as villages, coalesce(sum(d.population), 0)::int as population, ${groupSums}
         from divisions d left join village_special_groups g on g.village_code = d.code
        where d.level = 'village' and d.code like ? group by 1`,
      [keyLength, like],
    ),
    () => knex.raw(`select left(town_code, ?) as k, count(*)::int as n from stations where town_code like ? group by 1`, [keyLength, like]),
    () => knex.raw(`select left(town_code, ?) as k, count(*)::int as n from grid_units where town_code like ? group by 1`, [keyLength, like]),
    () => knex.raw(
      `select left(s.town_code, ?) as k, count(*)::int as n
         from service_points p join stations s on s.id = p.station_id where s.town_code like ? group by 1`,
      [keyLength, like],
    ),
    () => knex.raw(
      `select left(s.town_code, ?) as k,
              count(*) filter (where w.post = 'station')::int as station_workers,
              count(*) filter (where w.post = 'point')::int as point_workers
         from workers w join stations s on s.id = w.station_id where s.town_code like ? group by 1`,
      [keyLength, like],
    ),
  ])
  const out = new Map<string, DivisionSummary>()
  const get = (k: string): DivisionSummary => {
    let s = out.get(k)
    if (!s) out.set(k, (s = emptySummary()))
    return s
  }
  for (const r of villages.rows) {
    const s = get(r.k)
    s.villages = r.villages
    s.population = r.population
    for (const g of SPECIAL_GROUPS) s.specialGroups[g] = r[g]
  }
  for (const r of stations.rows) get(r.k).stations = r.n
  for (const r of units.rows) get(r.k).gridUnits = r.n
  for (const r of points.rows) get(r.k).servicePoints = r.n
  for (const r of workers.rows) {
    const s = get(r.k)
    s.stationWorkers = r.station_workers
    s.pointWorkers = r.point_workers
    s.workers = r.station_workers + r.point_workers
  }
  return out
}

export interface DivisionFeatureRow extends DivisionRow {
  geometry: MultiPolygon
}

/** The divisions of `level` inside a division with their geometry (GeoJSON, 6 decimals ≈ 0.1 m). */
export async function descendantsWithGeometry(knex: Knex, code: string, level: DivisionLevel): Promise<DivisionFeatureRow[]> {
  const rows = await knex('divisions')
    .select('code', 'name', 'level', 'parent_code as parentCode', 'population', knex.raw('ST_AsGeoJSON(geom, 6) as geometry'))
    .where({ level })
    .andWhereLike('code', under(code))
    .orderBy('code')
  return rows.map((r: DivisionFeatureRow & { geometry: string | MultiPolygon }) => ({
    ...r,
    geometry: typeof r.geometry === 'string' ? JSON.parse(r.geometry) : r.geometry,
  }))
}
