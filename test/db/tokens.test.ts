/**
 * API tokens (README "OGC API and tokens"): created, listed (never the secret) and revoked
 * by their owner, audited; accepted as Bearer and as HTTP Basic (user name + token) on the
 * OGC API and the tiles only, for reads only, scoped like their owner; refused at once when
 * revoked, expired or their owner deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { deleteUser } from '../../server/repositories/users.repository.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, loadDataset, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let cookieA: string
let cookieB: string

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset(2))
  app = await startApp(db)
  cookieA = await signIn(db, app.url, 'token-viewer-a', 'viewer', '990101')
  cookieB = await signIn(db, app.url, 'token-bureau-b', 'bureau', '990102')
})
afterAll(() => app?.stop())

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const basic = (user: string, token: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` })
const withToken = (path: string, headers: Record<string, string>, method = 'GET') => call(app.url, method, path, { headers })

async function create(cookie: string, body: unknown = { name: 'QGIS' }) {
  const res = await call(app.url, 'POST', '/api/tokens', { cookie, body })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as { id: string; token: string; expiresAt: string }
}

describe('API tokens', () => {
  it('creates a token shown once, stored hashed, with a default expiry of 90 days; lists it without the secret; audits it', async () => {
    const t0 = Date.now()
    const created = await create(cookieA, { name: 'QGIS on my laptop' })
    expect(created.token).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/)
    const days = (new Date(created.expiresAt).getTime() - t0) / 86_400_000
    expect(days).toBeGreaterThan(89.99)
    expect(days).toBeLessThan(90.01)
    const row = await db.knex('api_tokens').where({ id: created.id }).first()
    expect(JSON.stringify(row)).not.toContain(created.token)
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/)
    const list = await call(app.url, 'GET', '/api/tokens', { cookie: cookieA })
    expect(list.body.tokens.map((t: { id: string }) => t.id)).toContain(created.id)
    expect(JSON.stringify(list.body)).not.toContain(created.token)
    expect(JSON.stringify(list.body)).not.toContain(row.token_hash)
    // Another user's list does not show it.
    expect(JSON.stringify((await call(app.url, 'GET', '/api/tokens', { cookie: cookieB })).body)).not.toContain(created.id)
    const audit = await db.knex('audit_log').where({ action: 'token.create', entity_id: created.id })
    expect(audit).toHaveLength(1)
    expect(audit[0].actor).toBe('token-viewer-a')
  })

  it('refuses bad bodies with 400 naming the field, and a request without the CSRF token with 403', async () => {
    for (const [body, field] of [[{}, 'name'], [{ name: '' }, 'name'], [{ name: 'x', expiresInDays: 366 }, 'expiresInDays'], [{ name: 'x', expiresInDays: 0 }, 'expiresInDays'], [{ name: 'x', scope: '99' }, 'scope']] as const) {
      const res = await call(app.url, 'POST', '/api/tokens', { cookie: cookieA, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.field).toBe(field)
    }
    expect((await call(app.url, 'POST', '/api/tokens', { cookie: cookieA, body: { name: 'x' }, csrf: false })).status).toBe(403)
    const max = await create(cookieA, { name: 'a year', expiresInDays: 365 })
    expect((new Date(max.expiresAt).getTime() - Date.now()) / 86_400_000).toBeGreaterThan(364.99)
  })

  it('authenticates as Bearer and as HTTP Basic (user name + token) on the OGC API and the tiles, scoped like its owner', async () => {
    const { token } = await create(cookieA)
    for (const headers of [bearer(token), basic('token-viewer-a', token)]) {
      const items = await withToken('/ogc/collections/villages/items', headers)
      expect(items.status).toBe(200)
      expect(items.body.numberMatched).toBe(20) // county 990101 only
      expect(items.body.features.every((f: { id: string }) => f.id.startsWith('990101'))).toBe(true)
      expect((await withToken('/ogc/collections/villages/items/990101001001', headers)).status).toBe(200)
      // Out of scope: 404, as for a session.
      expect((await withToken('/ogc/collections/villages/items/990102001001', headers)).status).toBe(404)
      expect((await withToken('/ogc/collections/villages/items?county=990102', headers)).status).toBe(404)
      expect((await withToken('/tiles/villages.json', headers)).status).toBe(200)
      const tile = await fetch(`${app.url}/tiles/villages/14/13334/7066.mvt`, { headers })
      expect(tile.status).toBe(200)
      expect(tile.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile')
      expect((await withToken('/tiles/villages/14/13334/7066.mvt?scope=990102', headers)).status).toBe(404)
    }
  })

  it('refuses a wrong user name with Basic, a malformed or unknown token, and says how to authenticate (WWW-Authenticate on /ogc)', async () => {
    const { token } = await create(cookieA)
    for (const headers of [basic('token-bureau-b', token), basic('token-viewer-a', 'sbt_' + 'x'.repeat(43)), bearer('nonsense'), bearer(''), { authorization: 'Digest x' }, basic('token-viewer-a', '')]) {
      const res = await withToken('/ogc/collections', headers)
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
    }
    expect((await withToken('/ogc', {})).status).toBe(401)
  })

  it('is accepted nowhere else, and never authorises a write', async () => {
    const { token } = await create(cookieB, { name: 'bureau' })
    expect((await withToken('/ogc', bearer(token))).status).toBe(200)
    // /api takes the session cookie alone: a token there is no credential.
    expect((await withToken('/api/villages?within=990102', bearer(token))).status).toBe(401)
    expect((await withToken('/api/tokens', bearer(token))).status).toBe(401)
    const before = await db.knex('plans').count({ n: '*' })
    for (const headers of [bearer(token), basic('token-bureau-b', token)]) {
      expect((await call(app.url, 'POST', '/api/plans', { headers, body: { kind: 'staff', within: '990102' } })).status).toBe(401)
      expect((await call(app.url, 'POST', '/api/tokens', { headers, body: { name: 'more' } })).status).toBe(401)
      expect((await call(app.url, 'PUT', '/api/villages/990102001001/grid-unit', { headers, body: { gridUnitId: null } })).status).toBe(401)
      // A state-changing method on the OGC API or the tiles with a token: refused before any route.
      for (const path of ['/ogc/collections', '/tiles/villages.json']) {
        const res = await fetch(app.url + path, { method: 'POST', headers })
        expect(res.status).toBe(401)
      }
    }
    expect(await db.knex('plans').count({ n: '*' })).toEqual(before)
  })

  it('a revoked token is refused at once; revoking another user\'s token is a 404 and leaves it working', async () => {
    const a = await create(cookieA)
    const b = await create(cookieB)
    expect((await withToken('/ogc/collections', bearer(a.token))).status).toBe(200)
    expect((await call(app.url, 'DELETE', `/api/tokens/${b.id}`, { cookie: cookieA })).status).toBe(404)
    expect((await call(app.url, 'DELETE', '/api/tokens/00000000-0000-4000-8000-000000000000', { cookie: cookieA })).status).toBe(404)
    expect((await call(app.url, 'DELETE', '/api/tokens/not-a-uuid', { cookie: cookieA })).status).toBe(400)
    expect((await withToken('/ogc/collections', bearer(b.token))).status).toBe(200)
    expect((await call(app.url, 'DELETE', `/api/tokens/${a.id}`, { cookie: cookieA })).status).toBe(204)
    expect((await withToken('/ogc/collections', bearer(a.token))).status).toBe(401)
    expect((await withToken('/tiles/villages/14/13334/7066.mvt', bearer(a.token))).status).toBe(401)
    expect((await call(app.url, 'DELETE', `/api/tokens/${a.id}`, { cookie: cookieA })).status).toBe(404)
    expect(await db.knex('audit_log').where({ action: 'token.revoke', entity_id: a.id })).toHaveLength(1)
    const listed = await call(app.url, 'GET', '/api/tokens', { cookie: cookieA })
    expect(listed.body.tokens.map((t: { id: string }) => t.id)).not.toContain(a.id)
    const audit = await call(app.url, 'GET', '/api/audit?within=990102', { cookie: cookieB })
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('token.create')
  })

  it('an expired token is refused at once, and listed as expired', async () => {
    const t = await create(cookieA)
    expect((await withToken('/ogc/collections', bearer(t.token))).status).toBe(200)
    await db.knex('api_tokens').where({ id: t.id }).update({ expires_at: db.knex.raw("now() - interval '1 second'") })
    expect((await withToken('/ogc/collections', bearer(t.token))).status).toBe(401)
    expect((await withToken('/ogc/collections', basic('token-viewer-a', t.token))).status).toBe(401)
    const listed = (await call(app.url, 'GET', '/api/tokens', { cookie: cookieA })).body.tokens.find((x: { id: string }) => x.id === t.id)
    expect(listed.expired).toBe(true)
  })

  it("a deleted user's token is refused, and follows its owner's scope as it is now", async () => {
    const cookie = await signIn(db, app.url, 'token-doomed', 'viewer', '990101')
    const t = await create(cookie)
    expect((await withToken('/ogc/collections/towns/items', bearer(t.token))).body.numberMatched).toBe(5)
    await db.knex('users').where({ username: 'token-doomed' }).update({ scope_code: '9901' })
    expect((await withToken('/ogc/collections/towns/items', bearer(t.token))).body.numberMatched).toBe(10)
    expect(await deleteUser(db.knex, 'token-doomed')).toBe(true)
    expect((await withToken('/ogc/collections/towns/items', bearer(t.token))).status).toBe(401)
  })
})
