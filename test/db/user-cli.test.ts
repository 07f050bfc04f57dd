/**
 * `npm run user -- …` as a user runs it: a separate process on the database of
 * DATABASE_URL (the PostgreSQL run), or refused clearly on a locked embedded data folder.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, loadDataset, startApp, testDb, testDbUrl } from './harness.js'

const run = promisify(execFile)
/** Runs the CLI on this file's database (on PostgreSQL; `env` may override). */
const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const ours = await testDbUrl()
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'server/cli/user.ts', ...args], { env: { ...process.env, ...(ours ? { DATABASE_URL: ours } : {}), ...env } })
    return { code: 0, out: r.stdout, err: r.stderr }
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string }
    return { code: x.code, out: x.stdout, err: x.stderr }
  }
}

describe('npm run user', () => {
  it('refuses bad arguments with exit code 2 and the usage', async () => {
    const r = await cli(['add', 'someone', '--role', 'chief', '--scope', '4402', '--password', 'long enough'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--role must be one of/)
    expect(r.err).toMatch(/usage:/)
  })

  it('refuses a supervisor user without its supervisor, and --supervisor for another role', async () => {
    const none = await cli(['add', 'sv-user', '--role', 'supervisor', '--password', 'long enough pw'])
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/--role supervisor needs --supervisor/)
    const viewer = await cli(['add', 'sv-user', '--role', 'viewer', '--scope', '4402', '--supervisor', 'sv-440203-1', '--password', 'long enough pw'])
    expect(viewer.code).toBe(2)
    expect(viewer.err).toMatch(/--supervisor is only for --role supervisor/)
  })

  it('refuses an unknown supervisor id (exit 2, nothing added), and adds a supervisor user scoped to its supervisor’s county', async () => {
    // On the embedded database the CLI opens a data folder of its own (this file's database is in memory).
    const env: NodeJS.ProcessEnv = process.env.DATABASE_URL ? {} : { DATABASE_URL: '', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cli-sv-')) }
    const unknown = await cli(['add', 'sv-ghost', '--role', 'supervisor', '--supervisor', 'sv-999999-9', '--password', 'long enough pw'], env)
    expect(unknown.code).toBe(2)
    expect(unknown.err).toMatch(/--supervisor: no supervisor sv-999999-9/)
    if (!process.env.DATABASE_URL) return // the fresh embedded folder has no supervisors (and each CLI run there boots PGlite: ~20 s)
    expect((await cli(['list'])).out).not.toMatch(/sv-ghost/)
    const db = await testDb()
    await loadDataset(db, compliantDataset(2))
    const added = await cli(['add', 'sv-real', '--role', 'supervisor', '--supervisor', 'sv-990102-1', '--password', 'long enough pw'])
    expect(added.code, added.err).toBe(0)
    expect(added.out).toMatch(/added sv-real \(supervisor, scope 990102, supervisor sv-990102-1 .* with \d+ stations\)/)
    expect((await cli(['list'])).out).toMatch(/sv-real\s+supervisor\s+990102\s+sv-990102-1/)
  })

  it('says clearly that a running embedded server holds the data folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cli-'))
    fs.writeFileSync(path.join(dir, 'pglite.lock'), String(process.pid)) // this live process "runs the server"
    const r = await cli(['list'], { DATABASE_URL: '', DATA_DIR: dir })
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/in use by process \d+/)
  })

  it.skipIf(!process.env.DATABASE_URL)('adds, lists, changes the password of and removes a user while the server runs', async () => {
    const db = await testDb()
    const app = await startApp(db)
    try {
      expect((await cli(['add', 'cli-user', '--role', 'viewer', '--scope', '990101', '--password', 'first password'])).code).toBe(0)
      expect((await cli(['list'])).out).toMatch(/cli-user\s+viewer\s+990101/)
      expect((await cli(['add', 'cli-user', '--role', 'viewer', '--scope', '990101', '--password', 'first password'])).err).toMatch(/already exists/)
      const login = (password: string) => call(app.url, 'POST', '/api/login', { body: { username: 'cli-user', password } })
      expect((await login('first password')).status).toBe(200)
      expect((await cli(['passwd', 'cli-user', '--password', 'second password'])).code).toBe(0)
      expect((await login('first password')).status).toBe(401)
      expect((await login('second password')).status).toBe(200)
      expect((await cli(['remove', 'cli-user'])).code).toBe(0)
      expect((await login('second password')).status).toBe(401)
    } finally {
      await app.stop()
    }
  })
})
