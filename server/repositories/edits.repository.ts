/** Single edits a planner makes between solves; every query is limited to the caller's scope. */
import type { Knex } from 'knex'
import { under } from './scope.js'

export interface WorkerLocation {
  id: string
  name: string
  post: 'station' | 'point'
  stationId: string
  servicePointId: string | null
  townCode: string
}

export async function findWorker(knex: Knex, id: string, scope: string): Promise<WorkerLocation | null> {
  const row = await knex('workers as w')
    .join('stations as s', 's.id', 'w.station_id')
    .select('w.id', 'w.name', 'w.post', 'w.station_id as stationId', 'w.service_point_id as servicePointId', 's.town_code as townCode')
    .where('w.id', id)
    .andWhereLike('s.town_code', under(scope))
    .first()
  return row ?? null
}

/** A station or a service point by id within the scope: where a worker can be posted. */
export async function findPost(knex: Knex, id: string, scope: string): Promise<{ kind: 'station' | 'point'; id: string; stationId: string; townCode: string; name: string } | null> {
  const station = await knex('stations').select('id', 'town_code as townCode', 'name').where({ id }).andWhereLike('town_code', under(scope)).first()
  if (station) return { kind: 'station', id: station.id, stationId: station.id, townCode: station.townCode, name: station.name }
  const point = await knex('service_points as p')
    .join('stations as s', 's.id', 'p.station_id')
    .select('p.id', 'p.station_id as stationId', 's.town_code as townCode', 'p.name')
    .where('p.id', id)
    .andWhereLike('s.town_code', under(scope))
    .first()
  return point ? { kind: 'point', ...point } : null
}

export async function moveWorker(trx: Knex, id: string, to: { kind: 'station' | 'point'; id: string; stationId: string }): Promise<void> {
  await trx('workers')
    .where({ id })
    .update({ post: to.kind, station_id: to.stationId, service_point_id: to.kind === 'point' ? to.id : null })
}

export async function findVillage(knex: Knex, code: string, scope: string): Promise<{ code: string; name: string; townCode: string; gridUnitId: string | null } | null> {
  const row = await knex('divisions as v')
    .leftJoin('grid_unit_villages as m', 'm.village_code', 'v.code')
    .select('v.code', 'v.name', 'v.parent_code as townCode', 'm.grid_unit_id as gridUnitId')
    .where({ 'v.code': code, 'v.level': 'village' })
    .andWhereLike('v.code', under(scope))
    .first()
  return row ?? null
}

export async function findGridUnit(knex: Knex, id: string, scope: string): Promise<{ id: string; townCode: string; stationId: string } | null> {
  const row = await knex('grid_units').select('id', 'town_code as townCode', 'station_id as stationId').where({ id }).andWhereLike('town_code', under(scope)).first()
  return row ?? null
}

/** Puts a village in a grid unit of its town, or in none. */
export async function setVillageGridUnit(trx: Knex, village: { code: string; townCode: string }, gridUnitId: string | null): Promise<void> {
  await trx('grid_unit_villages').where({ village_code: village.code }).del()
  if (gridUnitId) await trx('grid_unit_villages').insert({ village_code: village.code, town_code: village.townCode, grid_unit_id: gridUnitId })
}

export async function findServicePoint(knex: Knex, id: string, scope: string): Promise<{ id: string; gridUnitId: string; townCode: string; villageCode: string } | null> {
  const row = await knex('service_points as p')
    .join('stations as s', 's.id', 'p.station_id')
    .select('p.id', 'p.grid_unit_id as gridUnitId', 's.town_code as townCode', 'p.village_code as villageCode')
    .where('p.id', id)
    .andWhereLike('s.town_code', under(scope))
    .first()
  return row ?? null
}

/** Moves a service point to a host village: its location becomes a point inside the village. */
export async function setServicePointHost(trx: Knex, id: string, village: { code: string; name: string }): Promise<void> {
  await trx('service_points')
    .where({ id })
    .update({
      village_code: village.code,
      name: `${village.name}社工点`,
      geom: trx.raw('(select inner_point from divisions where code = ?)', [village.code]),
    })
}
