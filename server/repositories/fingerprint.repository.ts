/** The fingerprint that tells whether the network in a plan's scope has changed since it was computed. */
import type { Knex } from 'knex'
import { under } from './scope.js'

/**
 * md5 per table of the network rows within a scope (stations, grid units and their villages,
 * service points, workers, supervisor assignments). Equal fingerprints: nothing in scope changed.
 */
export async function networkFingerprint(knex: Knex, within: string): Promise<Record<string, string>> {
  const like = under(within)
  const q = (sql: string) => knex.raw(`select coalesce(md5(string_agg(x, '|' order by x)), 'empty') as h from (${sql}) t(x)`, [like])
  const parts = {
    stations: q(`select s::text from stations s where s.town_code like ?`),
    grid_units: q(`select u::text from grid_units u where u.town_code like ?`),
    grid_unit_villages: q(`select m::text from grid_unit_villages m where m.town_code like ?`),
    service_points: q(`select p::text from service_points p join stations s on s.id = p.station_id where s.town_code like ?`),
    workers: q(`select w::text from workers w join stations s on s.id = w.station_id where s.town_code like ?`),
    supervisor_stations: q(`select ss::text from supervisor_stations ss join stations s on s.id = ss.station_id where s.town_code like ?`),
  }
  const out: Record<string, string> = {}
  for (const [table, query] of Object.entries(parts)) out[table] = (await query).rows[0].h
  return out
}
