/**
 * Database metadata: backend versions and the data versions.
 *
 * The database keeps one counter per version key (a county, or a city or province for
 * their own division rows) and bumps the keys a statement touched (migration 0009). The
 * version of a scope is the sum of the counters of the keys that decide its answers: its
 * own key, its ancestors' and its descendants'. Counters only grow, so a scope's version
 * grows with every committed change in it, and stays put when another county changes.
 */
import type { Knex } from 'knex'
import { CODE_LENGTH, countyOf } from '../../geodata/codes.js'

/** The PostGIS library version, e.g. "3.3.2". */
export async function postgisVersion(knex: Knex): Promise<string> {
  const { rows } = await knex.raw('select postgis_lib_version() as v')
  return rows[0].v
}

/** Keys whose rows decide the answers about `scope` ('' for everything). */
const SCOPE_KEYS = `(code like ?::text || '%' or ?::text like code || '%')`

/** The data version of a scope ('' for the whole database): changes with every committed change that can alter an answer about it. */
export async function dataVersion(knex: Knex, scope = ''): Promise<number> {
  const { rows } = await knex.raw(`select coalesce(sum(version), 0) as v from data_versions where ${SCOPE_KEYS}`, [scope, scope])
  return Number(rows[0].v)
}

/** The counters of the counties in a scope (for a town or a village: its county), by county code. */
export async function countyVersions(knex: Knex, scope: string): Promise<Record<string, number>> {
  const { rows } = await knex.raw(`select code, version from data_versions where ${countyKeys()} order by code`, countyKeyArgs(scope))
  return Object.fromEntries(rows.map((r: { code: string; version: string }) => [r.code, Number(r.version)]))
}

const countyKeys = () => `length(code) = ${CODE_LENGTH.county} and code like ?`
/** A scope above the counties covers the counties under it; one at or below a county, its county. */
const countyKeyArgs = (scope: string) => [scope.length <= CODE_LENGTH.county ? `${scope}%` : countyOf(scope)]

/** Whether the database holds any division. */
export async function hasDivisions(knex: Knex): Promise<boolean> {
  const row = await knex('divisions').select('code').first()
  return Boolean(row)
}

/**
 * Locks the counties of the scopes a transaction will write ('' for every key, e.g. a
 * whole-dataset load) against other writers until it ends, and returns their counters.
 * Every write transaction calls it first, naming every scope it writes: its statements'
 * version bumps then never wait for another writer while holding row locks. Keys are
 * locked in code order, so two writers of overlapping scopes never deadlock; writers of
 * disjoint scopes do not wait for each other.
 */
export async function lockCounties(trx: Knex.Transaction, ...scopes: string[]): Promise<Record<string, number>> {
  if (scopes.includes('')) {
    const { rows } = await trx.raw('select code, version from data_versions order by code for update')
    return Object.fromEntries(rows.filter((r: { code: string }) => r.code.length === CODE_LENGTH.county).map((r: { code: string; version: string }) => [r.code, Number(r.version)]))
  }
  const where = scopes.map(() => `(${countyKeys()})`).join(' or ')
  const { rows } = await trx.raw(`select code, version from data_versions where ${where || 'false'} order by code for update`, scopes.flatMap(countyKeyArgs))
  return Object.fromEntries(rows.map((r: { code: string; version: string }) => [r.code, Number(r.version)]))
}

/** Bumps the counters of a scope's keys ('' for all) without changing data: cached answers about it are computed anew (benchmarks, tests). */
export async function invalidate(knex: Knex, scope = ''): Promise<void> {
  await knex.raw(`update data_versions set version = version + 1 where ${SCOPE_KEYS}`, [scope, scope])
}
