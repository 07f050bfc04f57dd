/**
 * Backup and restore of the embedded database: the PGlite data folder as a gzipped tarball
 * (PGlite's own `dumpDataDir`), taken with the folder locked (no server running on it) right
 * after a checkpoint, so it is consistent. A restore loads the tarball into a staging folder
 * beside the live one, checks it opens with PostGIS and holds the app's tables, and only then
 * swaps the folders, so a failed restore leaves the database as it was.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { createPglite, lockDataDir, pgliteDir } from './connection.js'
import { assertBackupFormat, assertWritableTarget, BackupError, finishBackupFile, partialName, type BackupReport, type Progress } from './backup.js'

/** Dumps the embedded database of `dataDir` to `file` (written as `<file>.partial` until complete). */
export async function backupEmbedded(dataDir: string, file: string, progress: Progress): Promise<BackupReport> {
  const started = performance.now()
  assertWritableTarget(file)
  const dir = pgliteDir(dataDir)
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) throw new BackupError(`there is no embedded database in ${dir} (DATA_DIR=${dataDir})`)
  const release = lockForMaintenance(dataDir)
  try {
    progress(`opening the embedded database in ${dir}…`)
    const pglite = await createPglite(dir)
    try {
      await assertAppDatabase(pglite, dir)
      await pglite.exec('checkpoint')
      progress('dumping the data folder…')
      const tarball = await pglite.dumpDataDir('gzip')
      await fs.promises.writeFile(partialName(file), new Uint8Array(await tarball.arrayBuffer()))
    } finally {
      await pglite.close()
    }
    return { file, bytes: finishBackupFile(file), ms: performance.now() - started }
  } catch (err) {
    fs.rmSync(partialName(file), { force: true })
    throw err
  } finally {
    release()
  }
}

/** Replaces the embedded database of `dataDir` with the one in `file`; the server must be stopped. */
export async function restoreEmbedded(dataDir: string, file: string, progress: Progress): Promise<BackupReport> {
  const started = performance.now()
  assertBackupFormat(file, 'embedded')
  const bytes = fs.statSync(file).size
  fs.mkdirSync(dataDir, { recursive: true })
  const release = lockForMaintenance(dataDir)
  const live = pgliteDir(dataDir)
  const staging = `${live}.restoring`
  const previous = `${live}.previous`
  try {
    finishInterruptedSwap(live, previous)
    fs.rmSync(staging, { recursive: true, force: true })
    progress(`loading ${file} into the staging folder ${staging}…`)
    let pglite: PGlite
    try {
      pglite = await createPglite(staging, { loadDataDir: new Blob([new Uint8Array(await fs.promises.readFile(file))]) })
    } catch (err) {
      throw new BackupError(`${file} could not be loaded as an embedded database: ${(err as Error).message}`)
    }
    try {
      progress('checking the restored database (PostGIS, the app tables)…')
      await assertAppDatabase(pglite, file)
      await pglite.exec('checkpoint')
    } finally {
      await pglite.close()
    }
    progress(`swapping it in as ${live}…`)
    if (fs.existsSync(live)) fs.renameSync(live, previous)
    fs.renameSync(staging, live)
    try {
      fs.rmSync(previous, { recursive: true, force: true, maxRetries: 3 })
    } catch (err) {
      // Restored all the same; the next restore removes it.
      progress(`warning: the replaced folder ${previous} could not be removed (${(err as Error).message}): delete it by hand`)
    }
    return { file, bytes, ms: performance.now() - started }
  } catch (err) {
    finishInterruptedSwap(live, previous)
    fs.rmSync(staging, { recursive: true, force: true })
    throw err
  } finally {
    release()
  }
}

/** The data folder's lock (connection.ts), refused with the reason when a server holds it. */
function lockForMaintenance(dataDir: string): () => void {
  try {
    return lockDataDir(dataDir)
  } catch (err) {
    throw new BackupError(`${(err as Error).message} Backups and restores of the embedded database need the server stopped.`)
  }
}

/** A restore stopped between its two renames leaves the old folder as `.previous` and none live: put it back. */
function finishInterruptedSwap(live: string, previous: string): void {
  if (!fs.existsSync(previous)) return
  if (fs.existsSync(live)) fs.rmSync(previous, { recursive: true, force: true })
  else fs.renameSync(previous, live)
}

/** PostGIS answers and the app's tables are there (divisions stands for them). */
async function assertAppDatabase(pglite: PGlite, where: string): Promise<void> {
  try {
    await pglite.query('select postgis_lib_version()')
  } catch (err) {
    throw new BackupError(`PostGIS does not work in the database of ${where}: ${(err as Error).message}`)
  }
  const { rows } = await pglite.query<{ t: string | null }>("select to_regclass('divisions')::text as t")
  if (!rows[0]?.t) throw new BackupError(`${where} holds no Shuangbai database (no divisions table)`)
}
