/**
 * Per-county data versions (migration 0009): a write bumps only the counties it touches,
 * so cached answers of other counties stay valid, plans of other counties still apply, and
 * writers of different counties do not wait for each other (the last on PostgreSQL only:
 * the embedded PGlite runs one transaction at a time).
 */
import knexFactory, { type Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { countyVersions, dataVersion, lockCounties } from '../../server/repositories/meta.repository.js'
import * as S from '../../server/contract/responses.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, get, loadDataset, signIn, startApp, testDb, testDbUrl, type Reply } from './harness.js'

const onPostgres = Boolean(process.env.DATABASE_URL)

let db: Database
let app: { url: string; stop: () => Promise<void> }
let planner: string
let bureau: string

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset(2))
  app = await startApp(db)
  planner = await signIn(db, app.url, 'cv-planner', 'planner', '9901')
  bureau = await signIn(db, app.url, 'cv-bureau', 'bureau', '9901')
})
afterAll(() => app?.stop())

const timing = (r: Reply) => r.headers.get('server-timing') ?? ''
/** Moves a worker of town 990101001 to its town's station and back: two edits in county 990101. */
const editCounty1 = async () => {
  for (const to of ['st-990101001', 'sp-990101001-1']) {
    const res = await call(app.url, 'POST', '/api/workers/w-990101001-p11/move', { cookie: planner, body: { to } })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }
}

async function computePlan(body: unknown): Promise<Reply['body']> {
  const created = await call(app.url, 'POST', '/api/plans', { cookie: planner, body })
  expect(created.status, JSON.stringify(created.body)).toBe(202)
  const { id, jobId } = S.PlanCreated.parse(created.body)
  for (let i = 0; i < 600; i++) {
    const job = await get(app.url, `/api/jobs/${jobId}`, planner)
    if (job.body.state !== 'queued' && job.body.state !== 'running') break
    await new Promise((r) => setTimeout(r, 100))
  }
  return (await get(app.url, `/api/plans/${id}`, planner)).body
}

describe('per-county data versions', () => {
  it('a statement bumps exactly the counties of the rows it touched', async () => {
    const before = await countyVersions(db.knex, '9901')
    expect(Object.keys(before)).toEqual(['990101', '990102'])
    await db.knex('workers').where({ id: 'w-990101001-p11' }).update({ certified: true })
    expect(await countyVersions(db.knex, '9901')).toEqual({ ...before, '990101': before['990101']! + 1 })
    // One statement over both counties: each once.
    await db.knex('divisions').whereIn('code', ['990101001', '990102001']).increment('population', 0)
    expect(await countyVersions(db.knex, '9901')).toEqual({ '990101': before['990101']! + 2, '990102': before['990102']! + 1 })
    // A town's version is its county's with the ancestors'; the city's sums its counties.
    expect(await dataVersion(db.knex, '990101003')).toBe(await dataVersion(db.knex, '990101'))
    expect(await dataVersion(db.knex, '9901')).toBeGreaterThan(await dataVersion(db.knex, '990101'))
  })

  it('an edit in one county leaves the cached answers of the other county valid', async () => {
    const paths = ['/api/coverage?within=990102', '/api/divisions/990102/children', '/api/coverage?within=990101', '/api/coverage?within=9901']
    const first = new Map<string, Reply>()
    for (const p of paths) {
      await get(app.url, p, planner)
      first.set(p, await get(app.url, p, planner))
      expect(timing(first.get(p)!), p).toContain('"cached"')
    }
    await editCounty1()
    for (const p of paths) {
      const again = await get(app.url, p, planner)
      const otherCounty = p.includes('990102')
      expect(timing(again), p).toContain(otherCounty ? '"cached"' : '"computed"')
      expect(again.headers.get('etag') === first.get(p)!.headers.get('etag'), p).toBe(otherCounty)
    }
  })

  it('a plan of one county still applies after an edit in the other, and is refused after one in its own', async () => {
    const plan = await computePlan({ kind: 'staff', within: '990102' })
    expect(plan.status, JSON.stringify(plan)).toBe('draft')
    await editCounty1()
    const applied = await call(app.url, 'POST', `/api/plans/${plan.id}/apply`, { cookie: bureau })
    expect(applied.status, JSON.stringify(applied.body)).toBe(200)

    const stale = await computePlan({ kind: 'staff', within: '990101' })
    await editCounty1()
    const refused = await call(app.url, 'POST', `/api/plans/${stale.id}/apply`, { cookie: bureau })
    expect(refused.status).toBe(409)
    expect(refused.body.changedCounties).toEqual(['990101'])
    // The edits moved the worker away and back: the tables are as before, the county is not.
    expect(refused.body.changedTables).toEqual([])
  })
})

describe.runIf(onPostgres)('writers of different counties (PostgreSQL)', () => {
  let other: Knex
  beforeAll(async () => {
    other = knexFactory({ client: 'pg', connection: (await testDbUrl())! })
  })
  afterAll(() => other?.destroy())

  it('an edit does not wait for a writer of another county, and waits for one of its own', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let locked!: () => void
    const lockTaken = new Promise<void>((r) => (locked = r))
    const writer = other.transaction(async (trx) => {
      await lockCounties(trx, '990102')
      locked()
      await held
    })
    await lockTaken
    try {
      const started = Date.now()
      await editCounty1()
      expect(Date.now() - started).toBeLessThan(5_000)
      // An edit in the locked county waits until the writer commits.
      let done = false
      const waiting = call(app.url, 'PUT', '/api/villages/990102001002/grid-unit', { cookie: planner, body: { gridUnitId: 'gu-990102001-1' } }).then((r) => {
        done = true
        return r
      })
      await new Promise((r) => setTimeout(r, 500))
      expect(done).toBe(false)
      release()
      expect((await waiting).status).toBe(200)
    } finally {
      release()
      await writer
    }
  })
})
