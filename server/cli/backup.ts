/**
 * npm run backup -- <file>     write a backup of the configured database to <file>
 * npm run restore -- <file>    replace the configured database with the backup in <file>
 *
 * PostgreSQL (DATABASE_URL): pg_dump -Fc / pg_restore in one transaction, while the server
 * runs. Embedded (DATA_DIR): a tarball of the PGlite data folder; the server must be stopped
 * (the data folder's lock says so). README "Backups".
 * Exit codes: 0 done, 1 refused or failed (nothing changed), 2 bad arguments.
 */
import { parseArgs } from 'node:util'
import { readConfig } from '../config.js'
import { BackupError, type BackupReport, type Progress } from '../db/backup.js'
import { backupEmbedded, restoreEmbedded } from '../db/backup-embedded.js'
import { backupPostgres, restorePostgres } from '../db/backup-postgres.js'

const usage = `usage:
  npm run backup -- <file>     back up the database (DATABASE_URL, or the embedded one in DATA_DIR)
  npm run restore -- <file>    replace the database with a backup`

function fail(message: string, code: number): never {
  console.error(code === 2 ? `${message}\n${usage}` : message)
  process.exit(code)
}

let parsed
try {
  parsed = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } })
} catch (err) {
  fail((err as Error).message, 2)
}
if (parsed.values.help) {
  console.log(usage)
  process.exit(0)
}
const [command, file, ...extra] = parsed.positionals
if (command !== 'backup' && command !== 'restore') fail(`unknown command "${command ?? ''}"`, 2)
if (!file) fail(`${command}: give the backup file`, 2)
if (extra.length) fail(`${command}: one file only, got also ${extra.join(' ')}`, 2)

let config
try {
  config = readConfig()
} catch (err) {
  fail((err as Error).message, 2)
}

/** Prints progress lines with the time since the start, and a line every 10 s while a step is silent. */
const started = performance.now()
const seconds = () => ((performance.now() - started) / 1000).toFixed(1)
let lastLine = performance.now()
const progress: Progress = (line) => {
  lastLine = performance.now()
  console.log(`[${seconds()} s] ${line}`)
}
const ticker = setInterval(() => {
  if (performance.now() - lastLine >= 10_000) progress('… still working')
}, 1000)
ticker.unref()

const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
try {
  let report: BackupReport
  if (command === 'backup') {
    progress(`backing up ${where} to ${file}`)
    report = config.databaseUrl ? await backupPostgres(config.databaseUrl, file, progress) : await backupEmbedded(config.dataDir, file, progress)
    progress(`backup written: ${report.file}, ${megabytes(report.bytes)} in ${(report.ms / 1000).toFixed(1)} s`)
  } else {
    progress(`restoring ${file} over ${where}`)
    report = config.databaseUrl ? await restorePostgres(config.databaseUrl, file, progress) : await restoreEmbedded(config.dataDir, file, progress)
    progress(`restored ${report.file} (${megabytes(report.bytes)}) in ${(report.ms / 1000).toFixed(1)} s`)
  }
} catch (err) {
  clearInterval(ticker)
  const message = err instanceof BackupError ? err.message : `unexpected error: ${(err as Error).stack ?? err}`
  fail(`${command} failed: ${message}${command === 'restore' ? '\nThe database was not changed.' : ''}`, 1)
}
clearInterval(ticker)
