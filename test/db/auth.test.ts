import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { deleteUser } from '../../server/repositories/users.repository.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { appRoutes } from '../routes.js'
import { call, ensureUser, get, loadDataset, signIn, startApp, testDb, TEST_PASSWORD } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset(2))
  app = await startApp(db)
})
afterAll(() => app?.stop())

describe('sign-in and sessions', () => {
  it('every /api route but health, login, me and openapi answers 401 without a session', async () => {
    // A calendar subscription is public: its secret token is the credential (visit-plans.test.ts).
    const open = new Set(['/api/health', '/api/login', '/api/openapi.json', '/api/me', '/ics/{token}.ics'])
    for (const path of appRoutes(db)) {
      const concrete = path.replace('{code}', '9901').replace('{id}', 'x')
      const res = await call(app.url, path === '/api/login' || path === '/api/logout' ? 'POST' : 'GET', concrete + (concrete.includes('?') ? '' : '?within=9901'))
      if (open.has(path)) expect(res.status, path).not.toBe(401)
      else expect(res.status, path).toBe(401)
    }
  })

  it('rejects a wrong password with 401 and a right one with a session cookie', async () => {
    await ensureUser(db, 'viewer-a', 'viewer', '990101')
    const bad = await call(app.url, 'POST', '/api/login', { body: { username: 'viewer-a', password: 'wrong password' } })
    expect(bad.status).toBe(401)
    const unknown = await call(app.url, 'POST', '/api/login', { body: { username: 'nobody', password: TEST_PASSWORD } })
    expect(unknown.status).toBe(401)
    const ok = await call(app.url, 'POST', '/api/login', { body: { username: 'viewer-a', password: TEST_PASSWORD } })
    expect(ok.status).toBe(200)
    expect(ok.body.user).toMatchObject({ username: 'viewer-a', role: 'viewer', scope: '990101' })
    const setCookie = ok.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/sb_session=/)
    expect(setCookie).toMatch(/HttpOnly/i)
    const me = await get(app.url, '/api/me', setCookie.split(';')[0])
    expect(me.body.user.username).toBe('viewer-a')
  })

  it('names the missing field of a bad login body', async () => {
    const res = await call(app.url, 'POST', '/api/login', { body: { username: 'x' } })
    expect(res.status).toBe(400)
    expect(res.body.field).toBe('password')
  })

  it('removing a user says whether there was one (on both databases)', async () => {
    await ensureUser(db, 'to-remove', 'viewer', '990101')
    expect(await deleteUser(db.knex, 'to-remove')).toBe(true)
    expect(await deleteUser(db.knex, 'to-remove')).toBe(false)
  })

  it('signs out: the cookie no longer works', async () => {
    const cookie = await signIn(db, app.url, 'viewer-b', 'viewer', '990101')
    expect((await get(app.url, '/api/me', cookie)).status).toBe(200)
    expect((await call(app.url, 'POST', '/api/logout', { cookie })).status).toBe(204)
    expect((await get(app.url, '/api/me', cookie)).body).toEqual({ user: null })
    expect((await get(app.url, '/api/divisions', cookie)).status).toBe(401)
  })
})

describe('scope', () => {
  it('a county user reads its county and gets 404 for the other county', async () => {
    const cookie = await signIn(db, app.url, 'planner-a', 'planner', '990101')
    expect((await get(app.url, '/api/divisions', cookie)).body.divisions.map((d: { code: string }) => d.code)).toEqual(['990101'])
    for (const path of [
      '/api/divisions/990101',
      '/api/divisions/990101/children',
      '/api/villages?within=990101',
      '/api/stations?within=990101001',
      '/api/rules/check?within=990101',
    ]) {
      expect((await get(app.url, path, cookie)).status, path).toBe(200)
    }
    for (const path of [
      '/api/divisions/990102',
      '/api/divisions/9901',
      '/api/divisions/990102/children',
      '/api/villages?within=990102',
      '/api/villages?within=9901',
      '/api/stations?within=990102001',
      '/api/grid-units?within=990102',
      '/api/service-points?within=990102',
      '/api/workers?within=990102',
      '/api/supervisors?within=990102',
      '/api/rules/check?within=990102',
    ]) {
      const res = await get(app.url, path, cookie)
      expect(res.status, path).toBe(404)
      expect(JSON.stringify(res.body)).not.toContain('样例2县')
    }
  })
})
