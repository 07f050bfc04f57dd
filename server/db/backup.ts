/**
 * Backups of either database (README "Backups"): what both backends share. A backup file is
 * what the backend's own tool writes: a pg_dump custom-format archive on PostgreSQL, a
 * gzipped tarball of the PGlite data folder on the embedded database. Restores tell the two
 * apart by their first bytes and refuse the other backend's file.
 */
import fs from 'node:fs'
import path from 'node:path'

export type BackupFormat = 'postgres' | 'embedded'

/** A refusal or failure with a message meant for the operator (the CLI prints it as is). */
export class BackupError extends Error {}

/** Progress lines of long steps. */
export type Progress = (line: string) => void

/** What a backup or restore did, for the CLI's summary line. */
export interface BackupReport {
  file: string
  bytes: number
  ms: number
}

const FORMAT_NAMES: Record<BackupFormat, string> = {
  postgres: 'a PostgreSQL backup (pg_dump custom format)',
  embedded: 'an embedded-database backup (PGlite data folder tarball)',
}

/** Reads the file's first bytes: pg_dump's custom format starts with "PGDMP", PGlite's gzipped tarball with the gzip magic. */
export function detectBackupFormat(file: string): BackupFormat {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new BackupError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(err as Error).message}`)
  }
  const head = Buffer.alloc(512)
  let n: number
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new BackupError(`${file} is a folder, not a backup file`)
    n = fs.readSync(fd, head, 0, head.length, 0)
  } finally {
    fs.closeSync(fd)
  }
  if (n >= 5 && head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'postgres'
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'embedded'
  // An uncompressed tarball (dumpDataDir('none')): "ustar" at offset 257.
  if (n >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'embedded'
  throw new BackupError(`${file} is not a Shuangbai backup: neither ${FORMAT_NAMES.postgres} nor ${FORMAT_NAMES.embedded}`)
}

/** Refuses a file of the other backend's format (or of neither) before anything is touched. */
export function assertBackupFormat(file: string, expected: BackupFormat): void {
  const found = detectBackupFormat(file)
  if (found === expected) return
  const how = found === 'postgres' ? 'set DATABASE_URL to the PostgreSQL database to restore it' : 'unset DATABASE_URL (and set DATA_DIR) to restore it into the embedded database'
  throw new BackupError(`${file} is ${FORMAT_NAMES[found]}, but the configured database is ${expected === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : 'the embedded one'}: ${how}`)
}

/** The name a backup is written under until it is complete, so a failed one never looks like a backup. */
export const partialName = (file: string) => `${file}.partial`

/** Moves a finished `<file>.partial` into place; returns its size. */
export function finishBackupFile(file: string): number {
  fs.renameSync(partialName(file), file)
  return fs.statSync(file).size
}

/** Refuses to write a backup where it could not be completed (missing folder, a folder named like the file). */
export function assertWritableTarget(file: string): void {
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new BackupError(`${file} is a folder: give a file name for the backup`)
  const dir = path.dirname(path.resolve(file))
  if (!fs.existsSync(dir)) throw new BackupError(`the folder ${dir} does not exist`)
}
