import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { lockDataDir } from '../../server/db/connection.js'

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sb-lock-'))

describe('the embedded data folder lock', () => {
  it('keeps a second holder out while the first lives, and is released', () => {
    const dir = tmp()
    const release = lockDataDir(dir)
    expect(fs.readFileSync(path.join(dir, 'pglite.lock'), 'utf8')).toBe(String(process.pid))
    // Another live process (here: our parent) holding it keeps us out.
    fs.writeFileSync(path.join(dir, 'pglite.lock'), String(process.ppid))
    expect(() => lockDataDir(dir)).toThrow(/in use by process/)
    fs.writeFileSync(path.join(dir, 'pglite.lock'), String(process.pid))
    release()
    expect(fs.existsSync(path.join(dir, 'pglite.lock'))).toBe(false)
  })

  it('takes over the lock of a process that is gone', async () => {
    const dir = tmp()
    const child = spawn(process.execPath, ['-e', ''])
    const deadPid = child.pid!
    await new Promise((r) => child.on('exit', r))
    fs.writeFileSync(path.join(dir, 'pglite.lock'), String(deadPid))
    const release = lockDataDir(dir)
    expect(fs.readFileSync(path.join(dir, 'pglite.lock'), 'utf8')).toBe(String(process.pid))
    release()
  })
})
