/**
 * vitest globalSetup, once per run before any test process starts: on PostgreSQL
 * (DATABASE_URL), migrates the test database afresh; every db test file then works on a
 * copy of it (see harness.ts). The embedded database needs nothing here.
 */
import { openDatabase } from '../../server/db/connection.js'
import { migrateDownAll, migrateLatest } from '../../server/db/migrate.js'

/** Refuses to touch a database whose name does not say it is for tests. */
export function assertTestDatabaseName(name: string): void {
  if (!/test/.test(name)) throw new Error(`refusing to run db tests on database "${name}": its name must contain "test"`)
}

export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL
  if (!url) return
  const db = await openDatabase({ databaseUrl: url, dataDir: null })
  try {
    assertTestDatabaseName((await db.knex.raw('select current_database() as n')).rows[0].n as string)
    await migrateDownAll(db.knex)
    await migrateLatest(db.knex)
  } finally {
    await db.close()
  }
}
