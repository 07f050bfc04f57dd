/**
 * Backup and restore on PostgreSQL with the server's own tools: pg_dump in the custom format
 * (-Fc) and pg_restore --clean --if-exists in one transaction, so a restore that fails on the
 * way leaves the database as it was. The connection settings come from DATABASE_URL (passed
 * to libpq as PG* variables, so the password never appears in a process list). Both work
 * while the server runs.
 */
import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Knex } from 'knex'
import { moveVersionsPast, versionSnapshot, type VersionSnapshot } from '../repositories/meta.repository.js'
import { openDatabase, type Database } from './connection.js'
import { assertBackupFormat, assertWritableTarget, BackupError, finishBackupFile, partialName, type BackupReport, type Progress } from './backup.js'

const run = promisify(execFile)

/** libpq's environment for a postgres:// URL (host, port, user, password, database, sslmode). */
export function libpqEnv(databaseUrl: string): Record<string, string> {
  let url: URL
  try {
    url = new URL(databaseUrl)
  } catch {
    throw new BackupError('DATABASE_URL is not a URL like postgres://user@host:5432/database')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new BackupError(`DATABASE_URL must start with postgres://, got ${url.protocol}//`)
  const env: Record<string, string> = {}
  const host = url.searchParams.get('host') ?? decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1')
  if (host) env.PGHOST = host
  if (url.port) env.PGPORT = url.port
  if (url.username) env.PGUSER = decodeURIComponent(url.username)
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password)
  const database = decodeURIComponent(url.pathname.slice(1))
  if (database) env.PGDATABASE = database
  const sslmode = url.searchParams.get('sslmode') ?? (['true', '1'].includes(url.searchParams.get('ssl') ?? '') ? 'require' : null)
  if (sslmode) env.PGSSLMODE = sslmode
  return env
}

interface ServerInfo {
  major: number
  database: string
  /** Whether the app's tables are there (its divisions table stands for them). */
  hasApp: boolean
  /** The data version counters before a restore. */
  versions: VersionSnapshot
}

/** Runs `fn` on a connection of its own to the database (closed after). */
async function withDatabase<T>(databaseUrl: string, fn: (knex: Knex) => Promise<T>): Promise<T> {
  let db: Database
  try {
    db = await openDatabase({ databaseUrl, dataDir: null })
  } catch (err) {
    throw new BackupError(`cannot connect to the database of DATABASE_URL: ${(err as Error).message}`)
  }
  try {
    return await fn(db.knex)
  } finally {
    await db.close()
  }
}

async function serverInfo(databaseUrl: string): Promise<ServerInfo> {
  return withDatabase(databaseUrl, async (knex) => {
    const { rows } = await knex.raw(
      "select current_setting('server_version_num')::int / 10000 as major, current_database() as db, to_regclass('divisions') is not null as app",
    )
    return { major: rows[0].major, database: rows[0].db, hasApp: rows[0].app, versions: await versionSnapshot(knex) }
  })
}

/** pg_dump / pg_restore of the server's major version or newer: PG_BIN_DIR, the Debian/Ubuntu folder of that version, then PATH. */
export async function findPgTool(name: 'pg_dump' | 'pg_restore', serverMajor: number): Promise<{ bin: string; version: string }> {
  const candidates = [
    ...(process.env.PG_BIN_DIR ? [path.join(process.env.PG_BIN_DIR, name)] : []),
    `/usr/lib/postgresql/${serverMajor}/bin/${name}`,
    name,
  ]
  const seen: string[] = []
  for (const bin of candidates) {
    try {
      const version = (await run(bin, ['--version'])).stdout.trim()
      const major = Number(/(\d+)(?:\.\d+)?/.exec(version)?.[1])
      if (major >= serverMajor) return { bin, version }
      seen.push(`${bin}: ${version}`)
    } catch {
      // not there
    }
  }
  throw new BackupError(
    `no ${name} of PostgreSQL ${serverMajor} or newer found${seen.length ? ` (found only ${seen.join('; ')})` : ''}: ` +
      `install postgresql-client-${serverMajor}, or set PG_BIN_DIR to the folder holding ${name}`,
  )
}

/**
 * Runs a PostgreSQL tool with --verbose, reporting the tables it reaches as progress; on
 * failure, its error lines become the message.
 */
function runPgTool(bin: string, args: string[], env: Record<string, string>, progress: Progress, tableLine: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--verbose', '--no-password', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    const problems: string[] = []
    let rest = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) {
        const table = tableLine.exec(line)
        if (table) progress(`  table ${table[1]}`)
        else if (/error|warning|detail|hint|fatal/i.test(line)) problems.push(line)
      }
    })
    child.on('error', (err) => reject(new BackupError(`cannot run ${bin}: ${err.message}`)))
    child.on('close', (code) => {
      if (rest && /error|warning|fatal/i.test(rest)) problems.push(rest)
      if (code === 0) resolve()
      else reject(new BackupError(`${path.basename(bin)} failed (exit code ${code}):\n${problems.join('\n') || '(no message)'}`))
    })
  })
}

/** pg_dump -Fc of the database of `databaseUrl` to `file` (written as `<file>.partial` until complete). */
export async function backupPostgres(databaseUrl: string, file: string, progress: Progress): Promise<BackupReport> {
  const started = performance.now()
  assertWritableTarget(file)
  const env = libpqEnv(databaseUrl)
  const server = await serverInfo(databaseUrl)
  if (!server.hasApp) throw new BackupError(`the database ${server.database} holds no Shuangbai data (no divisions table): nothing to back up`)
  const tool = await findPgTool('pg_dump', server.major)
  progress(`${tool.version} (${tool.bin}): dumping database ${server.database}…`)
  try {
    await runPgTool(tool.bin, ['--format=custom', `--file=${partialName(file)}`], env, progress, /dumping contents of table "(.+)"/)
    return { file, bytes: finishBackupFile(file), ms: performance.now() - started }
  } catch (err) {
    fs.rmSync(partialName(file), { force: true })
    throw err
  }
}

/** Entries of a pg_restore list that belong to PostGIS: the extension, its comment, its table's rows (the app adds no SRID). */
const isPostgisOwn = (line: string) => / EXTENSION /.test(line) || / TABLE DATA public spatial_ref_sys /.test(line)

/**
 * pg_restore of `file` over the database of `databaseUrl`: every object of the backup dropped
 * and re-created, in one transaction. The PostGIS extension and its table spatial_ref_sys are
 * left in place (the extension created first if missing): dropping it needs a superuser and
 * would take other schemas' columns with it, and its table is writable by its owner alone.
 * Afterwards the data versions move past both the restored and the replaced ones, so that a
 * running server's caches and browsers' ETags never take the restored data for a version
 * they have seen.
 */
export async function restorePostgres(databaseUrl: string, file: string, progress: Progress): Promise<BackupReport> {
  const started = performance.now()
  assertBackupFormat(file, 'postgres')
  const bytes = fs.statSync(file).size
  const env = libpqEnv(databaseUrl)
  const server = await serverInfo(databaseUrl)
  const tool = await findPgTool('pg_restore', server.major)
  let toc: string
  try {
    toc = (await run(tool.bin, ['--list', file], { maxBuffer: 64 * 1024 * 1024 })).stdout
  } catch (err) {
    throw new BackupError(`${file} cannot be read by pg_restore: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`)
  }
  if (!/ TABLE public divisions /.test(toc) || !/ TABLE public knex_migrations /.test(toc)) {
    throw new BackupError(`${file} is a pg_dump archive but not of a Shuangbai database (no tables divisions and knex_migrations)`)
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-restore-'))
  try {
    const list = path.join(tmp, 'toc.list')
    fs.writeFileSync(list, toc.split('\n').filter((line) => !isPostgisOwn(line)).join('\n'))
    await withDatabase(databaseUrl, (knex) => knex.raw('create extension if not exists postgis'))
    progress(`${tool.version} (${tool.bin}): restoring ${file} into database ${server.database} in one transaction…`)
    await runPgTool(
      tool.bin,
      ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-owner', `--use-list=${list}`, `--dbname=${server.database}`, file],
      env,
      progress,
      /processing data for table "(.+)"/,
    )
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  try {
    await withDatabase(databaseUrl, (knex) => moveVersionsPast(knex, server.versions))
  } catch (err) {
    progress(`warning: restored, but the data versions could not be moved on (${(err as Error).message}); restart the server so that it drops its caches`)
  }
  return { file, bytes, ms: performance.now() - started }
}
