/** Runs the knex migrations of migrations/ (up to the latest, or all the way down). */
import type { Knex } from 'knex'
import { migrationSource } from '../../migrations/index.js'

const config = { migrationSource, tableName: 'knex_migrations' }

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config)) as [number, string[]]
  return applied
}

/** Rolls back every migration (used by tests and `npm run db -- reset`). */
export async function migrateDownAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback(config, true)
}
