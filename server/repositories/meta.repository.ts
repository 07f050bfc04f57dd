/** Database metadata: backend versions and the data version. */
import type { Knex } from 'knex'

/** The PostGIS library version, e.g. "3.3.2". */
export async function postgisVersion(knex: Knex): Promise<string> {
  const { rows } = await knex.raw('select postgis_lib_version() as v')
  return rows[0].v
}

/**
 * The data version: the database bumps it once per statement that changes a network table
 * (migration 0006), so it changes with every committed change, whoever made it.
 */
export async function dataVersion(knex: Knex): Promise<number> {
  const row = await knex('app_meta').select('data_version').first()
  return Number(row?.data_version ?? 0)
}

/** Whether the database holds any division. */
export async function hasDivisions(knex: Knex): Promise<boolean> {
  const row = await knex('divisions').select('code').first()
  return Boolean(row)
}

/**
 * Locks the network against other writers until the transaction ends; returns the data
 * version. Every write transaction calls it first: the version bumps of its statements then
 * never wait for another writer while holding row locks (no lock cycle).
 */
export async function lockNetwork(trx: Knex.Transaction): Promise<number> {
  const { rows } = await trx.raw('select data_version from app_meta where id = 1 for update')
  return Number(rows[0].data_version)
}
