/**
 * The defects an attack probe found (issue 14), one test each: the sign-in lockout under
 * parallel requests, unknown names locked like known ones, a per-client limit, malformed
 * cookies, CSRF, security headers and no-store, Secure cookies behind a TLS proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { ACCOUNT_THROTTLE, CLIENT_THROTTLE } from '../../server/services/auth.service.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, ensureUser, get, loadDataset, signIn, startApp, testDb, TEST_PASSWORD } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset(1))
  // Locks of 10 s, not 1 s, from the first: a busy machine's slow sign-ins cannot outlast them.
  app = await startApp(db, { accountThrottle: { ...ACCOUNT_THROTTLE, firstLockSec: 10 }, clientThrottle: { ...CLIENT_THROTTLE, firstLockSec: 10 } })
})
afterAll(() => app?.stop())

/** A login from a client address of its own (the app trusts a loopback proxy's X-Forwarded-For). */
const loginAs = (username: string, password: string, client: string) =>
  call(app.url, 'POST', '/api/login', { body: { username, password }, headers: { 'x-forwarded-for': client } })

const count = (statuses: number[]) => statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {})

describe('sign-in lockout', () => {
  it('locks after the 5th failure: attempts 1-5 answer 401, the 6th 429, the right password too', async () => {
    await ensureUser(db, 'lock-seq', 'viewer', '990101')
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await loginAs('lock-seq', `guess-${i}`, '198.51.100.1')).status)
    expect(statuses).toEqual([401, 401, 401, 401, 401])
    // Within the lock the 5th failure set: a 6th guess and the right password, at once.
    const [sixth, right] = await Promise.all([loginAs('lock-seq', 'guess-5', '198.51.100.1'), loginAs('lock-seq', TEST_PASSWORD, '198.51.100.2')])
    expect(sixth.status).toBe(429)
    expect(right.status).toBe(429)
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('holds under 200 parallel wrong passwords: 5 answer 401 (a few more as locks expire), the rest 429', async () => {
    await ensureUser(db, 'lock-burst', 'viewer', '990101')
    // Spread over many client addresses so that only the per-account lock is at work.
    const started = Date.now()
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => loginAs('lock-burst', `wrong-${i}`, `203.0.113.${i % 200}`)))
    const seconds = (Date.now() - started) / 1000
    const n = count(replies.map((r) => r.status))
    // Locks double from 10 s (1 s in production): in t seconds at most ⌈log2(t + 1)⌉ + 1 more attempts get through.
    expect(n[401]).toBeGreaterThanOrEqual(5)
    expect(n[401]).toBeLessThanOrEqual(5 + Math.ceil(Math.log2(seconds + 1)) + 1)
    expect((n[401] ?? 0) + (n[429] ?? 0)).toBe(200)
    expect((await loginAs('lock-burst', TEST_PASSWORD, '203.0.113.250')).status).toBe(429)
  })

  it('does not let the right password through as the last of a parallel burst of 60', async () => {
    await ensureUser(db, 'lock-last', 'viewer', '990101')
    const burst = Array.from({ length: 59 }, (_, i) => loginAs('lock-last', `wrong-${i}`, `192.0.2.${i}`))
    const last = loginAs('lock-last', TEST_PASSWORD, '192.0.2.200')
    const replies = await Promise.all([...burst, last])
    expect(replies.at(-1)!.status).toBe(429)
    expect(replies.filter((r) => r.status === 200)).toHaveLength(0)
  })

  it('locks an unknown name exactly like a known one, so a 429 does not tell which accounts exist', async () => {
    await ensureUser(db, 'lock-known', 'viewer', '990101')
    const sequence = async (name: string, client: string) => {
      const first: number[] = []
      for (let i = 0; i < 5; i++) first.push((await loginAs(name, `guess-${i}`, client)).status)
      // Right after the 5th failure (which locked the account), three attempts at once.
      const then = await Promise.all([0, 1, 2].map((i) => loginAs(name, `again-${i}`, client)))
      return { first, then: then.map((r) => r.status), detail: then[0].body.detail.replace(/\d+ s$/, 'n s') }
    }
    const [known, unknown] = await Promise.all([sequence('lock-known', '198.51.100.10'), sequence('lock-nobody', '198.51.100.11')])
    expect(known.first).toEqual([401, 401, 401, 401, 401])
    expect(known.then).toEqual([429, 429, 429])
    expect(unknown).toEqual(known)
  })

  it('locks a client that guesses at many accounts (per-client limit beside the per-account one)', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await loginAs(`spray-${i}`, 'password1', '198.51.100.99')).status)
    // 20 free failures; the 21st answers 401 and locks the client: two more at once are refused.
    expect(statuses.every((s) => s === 401)).toBe(true)
    const more = await Promise.all([21, 22].map((i) => loginAs(`spray-${i}`, 'password1', '198.51.100.99')))
    expect(more.map((r) => r.status)).toEqual([429, 429])
    // Another client is not affected.
    expect((await loginAs('spray-0', 'password1', '198.51.100.98')).status).toBe(401)
  })

  it('does not count right passwords against the client', async () => {
    await ensureUser(db, 'lock-often', 'viewer', '990101')
    for (let i = 0; i < 25; i++) expect((await loginAs('lock-often', TEST_PASSWORD, '198.51.100.50')).status).toBe(200)
  })
})

describe('cookies', () => {
  it('answers a malformed session cookie as no session, on every route, login included', async () => {
    for (const cookie of ['sb_session=%', 'sb_session=%E0%A4%A', 'sb_session', '=; ;=x', 'sb_session="unterminated']) {
      const headers = { cookie }
      expect((await call(app.url, 'GET', '/api/me', { headers })).body, cookie).toEqual({ user: null })
      expect((await call(app.url, 'GET', '/api/divisions', { headers })).status, cookie).toBe(401)
      await ensureUser(db, 'cookie-user', 'viewer', '990101')
      const login = await call(app.url, 'POST', '/api/login', { headers, body: { username: 'cookie-user', password: TEST_PASSWORD } })
      expect(login.status, cookie).toBe(200)
    }
  })

  it('sets the Secure flag behind a TLS proxy (X-Forwarded-Proto: https from a trusted proxy)', async () => {
    await ensureUser(db, 'tls-user', 'viewer', '990101')
    const plain = await call(app.url, 'POST', '/api/login', { body: { username: 'tls-user', password: TEST_PASSWORD } })
    expect(plain.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i)
    const tls = await call(app.url, 'POST', '/api/login', { body: { username: 'tls-user', password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' } })
    expect(tls.headers.get('set-cookie')).toMatch(/;\s*Secure/i)
  })
})

describe('CSRF', () => {
  let planId: string
  let cookie: string

  beforeAll(async () => {
    cookie = await signIn(db, app.url, 'csrf-bureau', 'bureau', '990101')
    const created = await call(app.url, 'POST', '/api/plans', { cookie, body: { kind: 'supervisors', within: '990101' } })
    expect(created.status).toBe(202)
    planId = created.body.id
    for (let i = 0; i < 100; i++) {
      const plan = await get(app.url, `/api/plans/${planId}`, cookie)
      if (plan.body.status !== 'computing') break
      await new Promise((r) => setTimeout(r, 100))
    }
  })

  it('refuses a cross-site form post that carries the session cookie (no token, foreign Origin)', async () => {
    const forged = await fetch(`${app.url}/api/plans/${planId}/discard`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    })
    expect(forged.status).toBe(403)
    expect((await get(app.url, `/api/plans/${planId}`, cookie)).body.status).toBe('draft')
  })

  it('refuses a state-changing request with the cookie but without the token, even from the same site', async () => {
    const res = await call(app.url, 'POST', `/api/plans/${planId}/discard`, { cookie, csrf: false })
    expect(res.status).toBe(403)
    expect(res.body.field).toBe('X-CSRF-Token')
    const wrong = await call(app.url, 'POST', `/api/plans/${planId}/discard`, { cookie, csrf: false, headers: { 'x-csrf-token': 'guess' } })
    expect(wrong.status).toBe(403)
    expect((await get(app.url, `/api/plans/${planId}`, cookie)).body.status).toBe('draft')
  })

  it('refuses a sign-in posted from another origin', async () => {
    await ensureUser(db, 'csrf-login', 'viewer', '990101')
    const res = await call(app.url, 'POST', '/api/login', { body: { username: 'csrf-login', password: TEST_PASSWORD }, headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(res.body.field).toBe('Origin')
  })

  it('accepts the same request with the token from GET /api/me and the own Origin', async () => {
    const me = await get(app.url, '/api/me', cookie)
    expect(typeof me.body.csrfToken).toBe('string')
    const res = await call(app.url, 'POST', `/api/plans/${planId}/discard`, {
      cookie,
      csrf: false,
      headers: { 'x-csrf-token': me.body.csrfToken, origin: app.url, 'sec-fetch-site': 'same-origin' },
    })
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('discarded')
  })
})

describe('security headers', () => {
  it('sends CSP, nosniff, no framing and no referrer, and no-store on answers with personal data', async () => {
    const cookie = await signIn(db, app.url, 'headers-viewer', 'viewer', '990101')
    for (const path of ['/api/me', '/api/workers?within=990101', '/api/supervisors?within=990101', '/api/health']) {
      const res = await get(app.url, path, cookie)
      expect(res.status, path).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, path).toMatch(/default-src 'self'/)
      expect(csp, path).toMatch(/frame-ancestors 'none'/)
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('x-frame-options'), path).toBe('DENY')
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer')
      expect(res.headers.get('cache-control'), path).toBe('no-store')
    }
  })
})
