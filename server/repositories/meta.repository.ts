/** Database metadata: backend versions and the data version. */
import type { Knex } from 'knex'

/** The PostGIS library version, e.g. "3.3.2". */
export async function postgisVersion(knex: Knex): Promise<string> {
  const { rows } = await knex.raw('select postgis_lib_version() as v')
  return rows[0].v
}

/** The data version, bumped by every write to the network. */
export async function dataVersion(knex: Knex): Promise<number> {
  const row = await knex('app_meta').select('data_version').first()
  return Number(row?.data_version ?? 0)
}

/** Whether the database holds any division. */
export async function hasDivisions(knex: Knex): Promise<boolean> {
  const row = await knex('divisions').select('code').first()
  return Boolean(row)
}
