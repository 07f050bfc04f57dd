/**
 * The database the db tests run on: the PostgreSQL of DATABASE_URL when set (a
 * dedicated test database: its tables are dropped and re-created), otherwise an
 * in-memory embedded PGlite. One instance per test run (vitest runs the db files in
 * one process, one after another; see vitest.config.ts).
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createApp } from '../../server/app.js'
import { openDatabase, type Database } from '../../server/db/connection.js'
import { migrateDownAll, migrateLatest } from '../../server/db/migrate.js'
import { clearDataset, insertDataset } from '../../server/repositories/dataset.repository.js'
import type { Dataset } from '../../geodata/types.js'

let shared: Promise<Database> | null = null

/** The shared, migrated test database. */
export function testDb(): Promise<Database> {
  shared ??= (async () => {
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL ?? null, dataDir: null })
    if (db.kind === 'postgres') {
      const name = (await db.knex.raw('select current_database() as n')).rows[0].n as string
      if (!/test/.test(name)) throw new Error(`refusing to run db tests on database "${name}": its name must contain "test"`)
      await migrateDownAll(db.knex)
    }
    await migrateLatest(db.knex)
    return db
  })()
  return shared
}

/** Replaces all data with `data`. */
export async function loadDataset(db: Database, data: Dataset): Promise<void> {
  await clearDataset(db.knex)
  await insertDataset(db.knex, data)
}

/** Starts the app on a free port; returns its base URL and a stop function. */
export async function startApp(db: Database, opts: { serveWeb?: boolean } = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = createApp(db, { serveWeb: opts.serveWeb ?? false })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) }
}

/** GET a path; returns status, content type and parsed body. */
export async function get(base: string, path: string): Promise<{ status: number; type: string; body: any }> {
  const res = await fetch(base + path)
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  return { status: res.status, type, body: text ? JSON.parse(text) : null }
}
