/** The pieces of the backup commands that need no database: telling formats apart, libpq's settings from DATABASE_URL. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { assertBackupFormat, BackupError, detectBackupFormat } from '../../server/db/backup.js'
import { libpqEnv } from '../../server/db/backup-postgres.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-backup-unit-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const file = (name: string, bytes: Buffer) => {
  const p = path.join(tmp, name)
  fs.writeFileSync(p, bytes)
  return p
}

describe('detectBackupFormat', () => {
  it('tells a pg_dump archive, a gzipped and a plain tarball apart by their first bytes', () => {
    expect(detectBackupFormat(file('a.dump', Buffer.from('PGDMP\x01\x0e\x00')))).toBe('postgres')
    expect(detectBackupFormat(file('a.tgz', Buffer.from([0x1f, 0x8b, 8, 0])))).toBe('embedded')
    const tar = Buffer.alloc(512)
    tar.write('ustar', 257, 'latin1')
    expect(detectBackupFormat(file('a.tar', tar))).toBe('embedded')
  })

  it('refuses an empty file, another file, a folder and a missing file with what it found', () => {
    expect(() => detectBackupFormat(file('empty', Buffer.alloc(0)))).toThrow(/is not a Shuangbai backup/)
    expect(() => detectBackupFormat(file('b.sql', Buffer.from('create table x ();')))).toThrow(/is not a Shuangbai backup/)
    expect(() => detectBackupFormat(tmp)).toThrow(/is a folder/)
    expect(() => detectBackupFormat(path.join(tmp, 'none'))).toThrow(BackupError)
    expect(() => detectBackupFormat(path.join(tmp, 'none'))).toThrow(/no such file/)
  })

  it("names the other backend's format and how to restore it", () => {
    const dump = file('c.dump', Buffer.from('PGDMP'))
    expect(() => assertBackupFormat(dump, 'postgres')).not.toThrow()
    expect(() => assertBackupFormat(dump, 'embedded')).toThrow(/is a PostgreSQL backup \(pg_dump custom format\).*set DATABASE_URL/)
    expect(() => assertBackupFormat(file('c.tgz', Buffer.from([0x1f, 0x8b])), 'postgres')).toThrow(/is an embedded-database backup.*unset DATABASE_URL/)
  })
})

describe('libpqEnv', () => {
  it('passes every part of the URL, decoded, and no more', () => {
    expect(libpqEnv('postgres://app%40x:p%40ss%2Fw@db.example:6432/shuang%20bai?sslmode=verify-full')).toEqual({
      PGHOST: 'db.example',
      PGPORT: '6432',
      PGUSER: 'app@x',
      PGPASSWORD: 'p@ss/w',
      PGDATABASE: 'shuang bai',
      PGSSLMODE: 'verify-full',
    })
    expect(libpqEnv('postgresql://postgres@127.0.0.1/shuangbai')).toEqual({ PGHOST: '127.0.0.1', PGUSER: 'postgres', PGDATABASE: 'shuangbai' })
  })

  it("understands an IPv6 host, a socket folder given as host and node-postgres's ssl=true", () => {
    expect(libpqEnv('postgres://u@[::1]:5432/d').PGHOST).toBe('::1')
    expect(libpqEnv('postgres:///d?host=/var/run/postgresql').PGHOST).toBe('/var/run/postgresql')
    expect(libpqEnv('postgres://u@h/d?ssl=true').PGSSLMODE).toBe('require')
  })

  it('refuses what is not a postgres:// URL', () => {
    expect(() => libpqEnv('mysql://u@h/d')).toThrow(/must start with postgres:\/\//)
    expect(() => libpqEnv('not a url')).toThrow(/is not a URL/)
  })
})
