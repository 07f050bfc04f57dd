/**
 * One code path, two databases: PostgreSQL + PostGIS over `pg` when DATABASE_URL is
 * set, otherwise the embedded PGlite with PostGIS (WASM), kept in a local folder.
 */
import fs from 'node:fs'
import path from 'node:path'
import knexFactory, { type Knex } from 'knex'
import pg from 'pg'
import type { PGlite } from '@electric-sql/pglite'

export type DatabaseKind = 'embedded' | 'postgres'

export interface Database {
  knex: Knex
  kind: DatabaseKind
  close(): Promise<void>
}

// Return int8 (counts, bigserial) and numeric as JS numbers on the pg driver, as PGlite does.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))

/** Opens the database named by the configuration. `dataDir: null` → embedded in memory. */
export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string | null }): Promise<Database> {
  if (opts.databaseUrl) {
    // No JIT compilation: it costs this app's large scans more than it saves (the province's
    // coverage facts took 1.0-1.5 s with it, 0.45 s without; npm run bench -- --only province).
    const knex = knexFactory({ client: 'pg', connection: { connectionString: opts.databaseUrl, options: '-c jit=off' }, pool: { min: 0, max: 10 } })
    await knex.raw('select 1')
    return { knex, kind: 'postgres', close: () => knex.destroy() }
  }
  return openEmbedded(opts.dataDir)
}

/**
 * A PGlite with the PostGIS extension in `dir` (in memory without), optionally created from
 * a data-folder tarball (`loadDataDir`, as `dumpDataDir` writes it; `dir` must then be empty).
 */
export async function createPglite(dir: string | undefined, opts: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  const [{ PGlite }, { postgis }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-postgis')])
  return PGlite.create(dir, { extensions: { postgis }, loadDataDir: opts.loadDataDir })
}

/** The data folder of the embedded database inside DATA_DIR. */
export const pgliteDir = (dataDir: string) => path.join(dataDir, 'pglite')

async function openEmbedded(dataDir: string | null): Promise<Database> {
  const { default: ClientPgLite } = await import('knex-pglite')
  let dir: string | undefined
  let releaseLock = () => {}
  if (dataDir) {
    dir = pgliteDir(dataDir)
    fs.mkdirSync(dir, { recursive: true })
    releaseLock = lockDataDir(dataDir)
  }
  let pglite
  try {
    pglite = await createPglite(dir)
  } catch (err) {
    releaseLock()
    throw new Error(
      `cannot open the embedded database in ${dir}: ${(err as Error).message}. ` +
        'Only one process may open the data folder at a time; stop the other one or set DATA_DIR.',
      { cause: err },
    )
  }
  const knex = knexFactory({
    client: ClientPgLite as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
  } as Knex.Config)
  return {
    knex,
    kind: 'embedded',
    close: async () => {
      await knex.destroy()
      if (!pglite.closed) await pglite.close()
      releaseLock()
    },
  }
}

/**
 * PGlite has one connection and no locking of its own: two processes on one data folder
 * would corrupt it. A lock file holding the owner's pid keeps a second process out with
 * a clear message; a lock left by a dead process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'pglite.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' })
      let released = false
      const release = () => {
        if (released) return
        released = true
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file)
        } catch {
          // already gone
        }
      }
      process.once('exit', release)
      return release
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = Number(fs.readFileSync(file, 'utf8'))
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by process ${owner} (only one process may open it). ` +
            'Stop that process first, or use a PostgreSQL server (DATABASE_URL) for concurrent access.',
        )
      }
      fs.rmSync(file, { force: true }) // stale lock of a process that is gone
    }
  }
  throw new Error(`cannot lock the data folder ${dataDir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
