/** Lists of the network within a division, as GeoJSON FeatureCollections. */
import type { Knex } from 'knex'
import type { FeatureCollection, Geometry } from 'geojson'
import * as network from '../repositories/network.repository.js'
import { requireDivision } from './divisions.service.js'

export const NETWORK_LISTS = {
  villages: network.villagesWithin,
  stations: network.stationsWithin,
  'grid-units': network.gridUnitsWithin,
  'service-points': network.servicePointsWithin,
  workers: network.workersWithin,
  supervisors: network.supervisorsWithin,
} as const
export type NetworkList = keyof typeof NETWORK_LISTS

/** The entities of one kind within a division; 404 when the division is unknown. */
export async function listWithin(knex: Knex, kind: NetworkList, within: string, scope: string): Promise<FeatureCollection<Geometry | null>> {
  await requireDivision(knex, within, scope)
  const rows = await NETWORK_LISTS[kind](knex, within, scope)
  return {
    type: 'FeatureCollection',
    features: rows.map(({ geometry, ...properties }) => ({
      type: 'Feature',
      id: String(properties.id ?? properties.code),
      geometry,
      properties,
    })),
  }
}
