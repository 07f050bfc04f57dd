/**
 * The audit trail (GET /api/audit): who changed what and when, for admin and bureau only,
 * limited to the entries that touched the reader's scope, in keyset pages that neither
 * repeat nor skip entries written at the same instant; bad parameters are 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { audit } from '../../server/repositories/audit.repository.js'
import type { AuditEntry as Entry } from '../../server/services/audit.service.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, get, loadDataset, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let plannerA: string
let plannerB: string
let bureauA: string

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset(2))
  app = await startApp(db)
  plannerA = await signIn(db, app.url, 'audit-planner-a', 'planner', '990101')
  plannerB = await signIn(db, app.url, 'audit-planner-b', 'planner', '990102')
  bureauA = await signIn(db, app.url, 'audit-bureau-a', 'bureau', '990101')
  // County A: a worker moved from town 1 to the station of town 2, a village out of its unit.
  expect((await call(app.url, 'POST', '/api/workers/w-990101001-p11/move', { cookie: plannerA, body: { to: 'st-990101002' } })).status).toBe(200)
  expect((await call(app.url, 'PUT', '/api/villages/990101003002/grid-unit', { cookie: plannerA, body: { gridUnitId: null } })).status).toBe(200)
  // County B: a service point moved.
  expect((await call(app.url, 'PUT', '/api/service-points/sp-990102001-1/host', { cookie: plannerB, body: { villageCode: '990102001002' } })).status).toBe(200)
})
afterAll(() => app?.stop())

const entries = async (cookie: string, query = ''): Promise<Entry[]> => {
  const res = await get(app.url, `/api/audit${query}`, cookie)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.entries
}

describe('GET /api/audit: roles and scope', () => {
  it('shows a county bureau the changes of its county, who made them, when and what they link to', async () => {
    const list = await entries(bureauA)
    expect(list.map((e) => e.action)).toEqual(['village.grid_unit', 'worker.move'])
    const [village, move] = list
    expect(village).toMatchObject({ user: 'audit-planner-a', scope: { code: '990101003', name: '样例3镇' }, target: { type: 'village', id: '990101003002' } })
    expect(village.summary.zh).toContain('样例3镇2村')
    expect(village.summary.en).toContain('out of grid unit gu-990101003-1')
    expect(move).toMatchObject({ target: { type: 'worker', id: 'w-990101001-p11' }, divisions: ['990101001', '990101002'] })
    expect(Date.now() - Date.parse(move.at)).toBeLessThan(10 * 60_000)
    expect(move.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  })

  it('never shows a county bureau an entry of another county, nor answers for it', async () => {
    const list = await entries(bureauA)
    expect(JSON.stringify(list)).not.toContain('990102')
    expect((await get(app.url, '/api/audit?within=990102', bureauA)).status).toBe(404)
    const bureauB = await signIn(db, app.url, 'audit-bureau-b', 'bureau', '990102')
    expect((await entries(bureauB)).map((e) => e.target?.id)).toEqual(['sp-990102001-1'])
  })

  it('shows a town the entries that touched it, a worker leaving it included', async () => {
    const town1 = await signIn(db, app.url, 'audit-bureau-town1', 'bureau', '990101001')
    const list = await entries(town1)
    expect(list.map((e) => e.action)).toEqual(['worker.move'])
    // Only the divisions within the reader's scope are named.
    expect(list[0].divisions).toEqual(['990101001'])
    const town3 = await signIn(db, app.url, 'audit-bureau-town3', 'bureau', '990101003')
    expect((await entries(town3)).map((e) => e.action)).toEqual(['village.grid_unit'])
  })

  it('lets an admin of the province see both counties, narrowed by within and user', async () => {
    const admin = await signIn(db, app.url, 'audit-admin', 'admin', '99')
    expect((await entries(admin)).length).toBe(3)
    expect((await entries(admin, '?within=990102')).map((e) => e.action)).toEqual(['service_point.host'])
    expect((await entries(admin, '?user=audit-planner-b')).map((e) => e.user)).toEqual(['audit-planner-b'])
    expect(await entries(admin, '?user=nobody')).toEqual([])
  })

  it('answers 403 to viewer, planner and supervisor', async () => {
    const viewer = await signIn(db, app.url, 'audit-viewer', 'viewer', '990101')
    const supervisor = await signIn(db, app.url, 'audit-supervisor', 'supervisor', '990101')
    for (const cookie of [viewer, plannerA, supervisor]) expect((await get(app.url, '/api/audit', cookie)).status).toBe(403)
  })

  it('filters by time: since inclusive, until exclusive', async () => {
    const list = await entries(bureauA)
    const newest = list[0].at
    expect((await entries(bureauA, `?since=${encodeURIComponent(newest)}`)).map((e) => e.id)).toEqual([list[0].id])
    expect((await entries(bureauA, `?until=${encodeURIComponent(newest)}`)).map((e) => e.id)).toEqual([list[1].id])
    expect(await entries(bureauA, '?until=2020-01-01T00:00:00%2B08:00')).toEqual([])
  })
})

describe('GET /api/audit: paging', () => {
  it('pages through entries of the same instant without duplicates or gaps', async () => {
    // Two batches of entries, each written in one transaction: now() is the same for all of a batch.
    for (const batch of [23, 9]) {
      await db.knex.transaction(async (trx) => {
        for (let i = 0; i < batch; i++) await audit(trx, { actor: 'audit-batch', action: 'test.batch', entity: 'test', entityId: `${batch}-${i}`, scope: '990101004' })
      })
    }
    const { rows } = await db.knex.raw(`select count(distinct at)::int as n from audit_log where actor = 'audit-batch'`)
    expect(rows[0].n).toBe(2)
    const all = await entries(bureauA, '?user=audit-batch&limit=200')
    expect(all.length).toBe(32)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await get(app.url, `/api/audit?user=audit-batch&limit=5${cursor ? `&cursor=${cursor}` : ''}`, bureauA)
      expect(res.status).toBe(200)
      expect(res.body.entries.length).toBeLessThanOrEqual(5)
      seen.push(...res.body.entries.map((e: Entry) => e.id))
      cursor = res.body.nextCursor
      pages++
    } while (cursor && pages < 20)
    expect(pages).toBe(7)
    expect(seen).toEqual(all.map((e) => e.id))
    // Newest first: the later batch, then the earlier; within an instant, the higher id first.
    expect(all.slice(0, 9).every((e) => e.target?.id.startsWith('9-'))).toBe(true)
    const ids = all.map((e) => BigInt(e.id))
    for (let i = 1; i < 9; i++) expect(ids[i] < ids[i - 1]).toBe(true)
  })

  it('ends with nextCursor null when the last page is full', async () => {
    const first = await get(app.url, '/api/audit?user=audit-batch&limit=16', bureauA)
    const second = await get(app.url, `/api/audit?user=audit-batch&limit=16&cursor=${first.body.nextCursor}`, bureauA)
    expect(second.body.entries.length).toBe(16)
    expect(second.body.nextCursor).toBeNull()
  })
})

describe('GET /api/audit: bad parameters', () => {
  it('answers 400 naming the field', async () => {
    const bad = (s: string) => Buffer.from(s).toString('base64url')
    const cases: [string, string][] = [
      ['since=2026-12-01', 'since'],
      ['since=yesterday', 'since'],
      ['until=2026-12-01T00:00:00', 'until'],
      ['since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z', 'until'],
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${bad('{"at":"x"}')}`, 'cursor'],
      [`cursor=${bad('["2026-12-01T00:00:00.000000Z","1; drop table audit_log"]')}`, 'cursor'],
      [`cursor=${bad('["2026-13-45T00:00:00.000000Z","1"]')}`, 'cursor'],
      [`cursor=${bad('["2026-02-30T00:00:00.000000Z","1"]')}`, 'cursor'],
      ['since=2026-02-30T00:00:00Z', 'since'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['user=Not%20A%20Name', 'user'],
      ['within=99x', 'within'],
      ['page=2', 'page'],
    ]
    for (const [query, field] of cases) {
      const res = await get(app.url, `/api/audit?${query}`, bureauA)
      expect(res.status, query).toBe(400)
      expect(res.body.field, query).toBe(field)
    }
  })
})
