/**
 * Sessions listed by their owner (never with the token or its hash) and revocable by their
 * owner or an admin of the owner's scope; any other caller gets 404, so a session's
 * existence is never revealed. Revoking the current session signs the caller out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { pruneAuthState } from '../../server/services/auth.service.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, get, loadDataset, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }

interface Session {
  id: string
  current: boolean
  userAgent: string | null
  ip: string | null
  createdAt: string
  lastSeenAt: string
  expiresAt: string
}

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset(2))
  app = await startApp(db)
})
afterAll(() => app?.stop())

const sessionsOf = async (cookie: string, query = ''): Promise<Session[]> => {
  const res = await get(app.url, `/api/sessions${query}`, cookie)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.sessions
}
const revoke = (cookie: string, id: string) => call(app.url, 'DELETE', `/api/sessions/${id}`, { cookie })

describe('GET /api/sessions', () => {
  it("lists the caller's live sessions, marks the current one, and never shows a token or its hash", async () => {
    const first = await signIn(db, app.url, 'sess-owner', 'viewer', '990101')
    const second = await signIn(db, app.url, 'sess-owner', 'viewer', '990101')
    const list = await sessionsOf(second)
    expect(list.length).toBe(2)
    expect(list.filter((s) => s.current).length).toBe(1)
    expect(Object.keys(list[0]).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent'])
    expect(list[0].ip).toMatch(/127\.0\.0\.1/)
    const { rows } = await db.knex.raw('select token_hash from sessions')
    const text = JSON.stringify(list)
    for (const { token_hash } of rows) expect(text).not.toContain(token_hash)
    expect(text).not.toContain(first.split('=')[1])
    expect(text).not.toContain(second.split('=')[1])
    // The other session is the current one of the other cookie.
    const other = (await sessionsOf(first)).find((s) => s.current)!
    expect(list.find((s) => !s.current)!.id).toBe(other.id)
  })

  it("lets only an admin of the user's scope list another user's sessions", async () => {
    const owner = await signIn(db, app.url, 'sess-listed', 'planner', '990101')
    const ownId = (await sessionsOf(owner)).find((s) => s.current)!.id
    const admin = await signIn(db, app.url, 'sess-admin', 'admin', '99')
    expect((await sessionsOf(admin, '?user=sess-listed')).map((s) => [s.id, s.current])).toEqual([[ownId, false]])
    const bureau = await signIn(db, app.url, 'sess-bureau', 'bureau', '990101')
    const forbidden = await get(app.url, '/api/sessions?user=sess-listed', bureau)
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.field).toBe('user')
    const adminB = await signIn(db, app.url, 'sess-admin-b', 'admin', '990102')
    expect((await get(app.url, '/api/sessions?user=sess-listed', adminB)).status).toBe(404)
    expect((await get(app.url, '/api/sessions?user=nobody', admin)).status).toBe(404)
    expect((await get(app.url, '/api/sessions?user=Bad%20Name', admin)).body.field).toBe('user')
  })

  it('notes when a session was last used (written at most once a minute)', async () => {
    const cookie = await signIn(db, app.url, 'sess-seen', 'viewer', '990101')
    const id = (await sessionsOf(cookie)).find((s) => s.current)!.id
    await db.knex('sessions').where({ id }).update({ last_seen_at: db.knex.raw("now() - interval '2 hours'") })
    await get(app.url, '/api/divisions', cookie)
    const seen = Date.parse((await sessionsOf(cookie)).find((s) => s.id === id)!.lastSeenAt)
    expect(Date.now() - seen).toBeLessThan(60_000)
  })

  it('leaves out expired sessions, and pruning still deletes them', async () => {
    const cookie = await signIn(db, app.url, 'sess-expiring', 'viewer', '990101')
    const old = await signIn(db, app.url, 'sess-expiring', 'viewer', '990101')
    const oldId = (await sessionsOf(old)).find((s) => s.current)!.id
    await db.knex('sessions').where({ id: oldId }).update({ expires_at: db.knex.raw("now() - interval '1 second'") })
    expect((await sessionsOf(cookie)).map((s) => s.id)).not.toContain(oldId)
    await pruneAuthState(db.knex)
    expect(await db.knex('sessions').where({ id: oldId }).first()).toBeUndefined()
  })
})

describe('DELETE /api/sessions/:id', () => {
  it("revokes the caller's other session: that cookie stops working, this one goes on", async () => {
    const a = await signIn(db, app.url, 'sess-revoker', 'viewer', '990101')
    const b = await signIn(db, app.url, 'sess-revoker', 'viewer', '990101')
    const bId = (await sessionsOf(b)).find((s) => s.current)!.id
    expect((await revoke(a, bId)).status).toBe(204)
    expect((await get(app.url, '/api/divisions', b)).status).toBe(401)
    expect((await get(app.url, '/api/divisions', a)).status).toBe(200)
    expect((await revoke(a, bId)).status).toBe(404)
  })

  it("answers 404 for another user's session, leaving it alive", async () => {
    const victim = await signIn(db, app.url, 'sess-victim', 'viewer', '990101')
    const victimId = (await sessionsOf(victim)).find((s) => s.current)!.id
    const other = await signIn(db, app.url, 'sess-other', 'bureau', '990101')
    const res = await revoke(other, victimId)
    expect(res.status).toBe(404)
    // The same answer as for a session that never existed.
    const none = await revoke(other, '00000000-0000-4000-8000-000000000000')
    expect(none.status).toBe(404)
    expect(res.body.detail.replace(victimId, 'ID')).toBe(none.body.detail.replace('00000000-0000-4000-8000-000000000000', 'ID'))
    // An admin of another scope cannot either.
    const adminB = await signIn(db, app.url, 'sess-admin-b2', 'admin', '990102')
    expect((await revoke(adminB, victimId)).status).toBe(404)
    expect((await get(app.url, '/api/divisions', victim)).status).toBe(200)
    expect((await revoke(other, 'not-a-uuid')).body.field).toBe('id')
  })

  it("lets an admin of the owner's scope revoke it", async () => {
    const victim = await signIn(db, app.url, 'sess-revoked-by-admin', 'planner', '990101')
    const id = (await sessionsOf(victim)).find((s) => s.current)!.id
    const admin = await signIn(db, app.url, 'sess-admin-c', 'admin', '9901')
    expect((await revoke(admin, id)).status).toBe(204)
    expect((await get(app.url, '/api/divisions', victim)).status).toBe(401)
  })

  it('revoking the current session signs the caller out: the next request is 401', async () => {
    const cookie = await signIn(db, app.url, 'sess-self', 'viewer', '990101')
    const id = (await sessionsOf(cookie)).find((s) => s.current)!.id
    const res = await revoke(cookie, id)
    expect(res.status).toBe(204)
    expect(res.headers.get('set-cookie') ?? '').toMatch(/sb_session=;/)
    expect((await get(app.url, '/api/sessions', cookie)).status).toBe(401)
    expect((await get(app.url, '/api/me', cookie)).body).toEqual({ user: null })
  })

  it('needs the CSRF token like every state-changing request', async () => {
    const cookie = await signIn(db, app.url, 'sess-csrf', 'viewer', '990101')
    const id = (await sessionsOf(cookie)).find((s) => s.current)!.id
    expect((await call(app.url, 'DELETE', `/api/sessions/${id}`, { cookie, csrf: false })).status).toBe(403)
    expect((await get(app.url, '/api/divisions', cookie)).status).toBe(200)
  })
})
