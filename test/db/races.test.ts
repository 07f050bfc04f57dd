/**
 * Edits racing a concurrent writer, and requests right after database connections die
 * (issue 14, defects 3 and 7). Both need real concurrent connections, so they run on
 * PostgreSQL only: the embedded PGlite has one connection and runs transactions one at a
 * time, where these races cannot happen.
 */
import knexFactory, { type Knex } from 'knex'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { lockCounties } from '../../server/repositories/meta.repository.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { faultyDataset } from '../fixtures/faulty-dataset.js'
import { tableHashes } from '../../server/repositories/dataset.repository.js'
import { findPlan } from '../../server/repositories/plans.repository.js'
import { staffPlan } from '../../server/services/plans/staff.plan.js'
import { call, get, loadDataset, signIn, startApp, testDb, testDbUrl } from './harness.js'

const onPostgres = Boolean(process.env.DATABASE_URL)

let db: Database
let app: { url: string; stop: () => Promise<void> }
let planner: string
let other: Knex

beforeAll(async () => {
  db = await testDb()
  app = await startApp(db)
  // A second connection to this file's own database (not DATABASE_URL's, which is its template).
  other = knexFactory({ client: 'pg', connection: (await testDbUrl()) ?? 'postgres://unused' })
})
beforeEach(async () => {
  await loadDataset(db, compliantDataset(1))
  planner = await signIn(db, app.url, 'race-planner', 'planner', '990101')
})
afterAll(async () => {
  await app?.stop()
  await other?.destroy()
})

/** Resolves once some backend waits for a lock (the request under test reached the network lock). */
async function someoneWaitsForALock(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await other.raw(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)
    if (rows[0].n > 0) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('no request waited for the network lock')
}

/**
 * Runs `change` in a transaction of another connection that holds the network lock (as a
 * plan apply does) while `request` is sent, and commits once the request waits for the lock.
 */
async function racing<T>(change: (trx: Knex.Transaction) => Promise<void>, request: () => Promise<T>): Promise<T> {
  let pending: Promise<T> | undefined
  await other.transaction(async (trx) => {
    await lockCounties(trx, '990101')
    await change(trx)
    pending = request()
    await someoneWaitsForALock()
  })
  return pending!
}

describe.runIf(onPostgres)('edits racing a concurrent apply (PostgreSQL)', () => {
  it('validates a service point move against the data as committed by the apply it waited for', async () => {
    // The concurrent writer moves village 2 out of the point's unit; the request would host the point there.
    const res = await racing(
      async (trx) => {
        await trx('grid_unit_villages').where({ village_code: '990101001002' }).update({ grid_unit_id: 'gu-990101001-2' })
      },
      () => call(app.url, 'PUT', '/api/service-points/sp-990101001-1/host', { cookie: planner, body: { villageCode: '990101001002' } }),
    )
    expect(res.status).toBe(400)
    expect(res.body.field).toBe('villageCode')
    const { rows } = await db.knex.raw(
      `select count(*)::int as n from service_points p join grid_unit_villages m on m.village_code = p.village_code where m.grid_unit_id <> p.grid_unit_id`,
    )
    expect(rows[0].n).toBe(0)
  })

  it('answers 404, not 500, when the grid unit a village is put in was removed meanwhile', async () => {
    const res = await racing(
      async (trx) => {
        await trx('grid_unit_villages').where({ grid_unit_id: 'gu-990101001-2' }).update({ grid_unit_id: 'gu-990101001-1' })
        await trx('workers').where({ service_point_id: 'sp-990101001-2' }).update({ service_point_id: 'sp-990101001-1' })
        await trx('service_points').where({ grid_unit_id: 'gu-990101001-2' }).del()
        await trx('grid_units').where({ id: 'gu-990101001-2' }).del()
      },
      () => call(app.url, 'PUT', '/api/villages/990101001001/grid-unit', { cookie: planner, body: { gridUnitId: 'gu-990101001-2' } }),
    )
    expect(res.status).toBe(404)
    expect(res.body.detail).toMatch(/gu-990101001-2/)
  })

  it('answers 404, not 500, when the service point a worker moves to was removed meanwhile', async () => {
    const res = await racing(
      async (trx) => {
        await trx('workers').where({ service_point_id: 'sp-990101002-2' }).update({ service_point_id: 'sp-990101002-1' })
        await trx('service_points').where({ id: 'sp-990101002-2' }).del()
      },
      () => call(app.url, 'POST', '/api/workers/w-990101002-p11/move', { cookie: planner, body: { to: 'sp-990101002-2' } }),
    )
    expect(res.status).toBe(404)
  })
})

describe.runIf(onPostgres)('database connections killed (PostgreSQL)', () => {
  it('answers reads right after every connection of the app died with 200 (retried) or 503 with Retry-After, never 500', async () => {
    const viewer = await signIn(db, app.url, 'race-viewer', 'viewer', '990101')
    const paths = ['/api/divisions/990101', '/api/villages?within=990101', '/api/me', '/api/coverage?within=990101&geometry=false']
    // Warm the pool so that it holds connections to kill.
    await Promise.all(paths.flatMap((p) => [get(app.url, p, viewer), get(app.url, p, viewer)]))
    const statuses: number[] = []
    for (let round = 0; round < 4; round++) {
      await other.raw(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`)
      const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => get(app.url, paths[i % paths.length], viewer)))
      for (const r of replies) {
        statuses.push(r.status)
        if (r.status === 503) expect(r.headers.get('retry-after')).toBe('1')
      }
    }
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([])
    // And the service answers again without a restart.
    expect((await get(app.url, '/api/divisions/990101', viewer)).status).toBe(200)
  })
})

describe.runIf(onPostgres)('connections terminated during a plan apply (PostgreSQL)', () => {
  const killAll = () => other.raw(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`)
  /** Polls until the service answers a read again; returns how long that took. */
  async function answersAgain(cookie: string): Promise<number> {
    const started = Date.now()
    for (;;) {
      const res = await get(app.url, '/api/divisions/990101', cookie).catch(() => null)
      if (res?.status === 200) return Date.now() - started
      if (Date.now() - started > 5000) throw new Error('the service did not answer again within 5 s')
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  /** Hashes of the network, read on a connection of its own (the app's may have just died). */
  const hashesNow = async () => {
    for (let i = 0; ; i++) {
      try {
        return await tableHashes(other)
      } catch (err) {
        if (i > 5) throw err
      }
    }
  }

  it('leaves the data wholly before or wholly after in 20 rounds, and answers again within a second', async () => {
    const outcomes: string[] = []
    const recoveries: number[] = []
    for (let round = 0; round < 20; round++) {
      await loadDataset(db, faultyDataset())
      const bureau = await signIn(db, app.url, `fault-bureau-${round}`, 'bureau', '990101')
      const created = await call(app.url, 'POST', '/api/plans', { cookie: bureau, body: { kind: 'staff', within: '990101' } })
      expect(created.status).toBe(202)
      let plan
      for (let i = 0; i < 300; i++) {
        plan = await findPlan(other, created.body.id, '99')
        if (plan?.status !== 'computing') break
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(plan?.status).toBe('draft')
      const before = await hashesNow()
      const apply = call(app.url, 'POST', `/api/plans/${created.body.id}/apply`, { cookie: bureau }).catch((err: Error) => ({ status: 0, error: err.message }))
      // Kill every connection of the app at a random point of the apply (0-40 ms in).
      await new Promise((r) => setTimeout(r, Math.random() * 40))
      await killAll()
      const answer = await apply
      expect([0, 200, 409, 503], JSON.stringify(answer)).toContain(answer.status)
      recoveries.push(await answersAgain(bureau))
      const after = await findPlan(other, created.body.id, '99')
      if (after!.status === 'applied') {
        // Wholly after: every worker is where the plan put it.
        expect(await staffPlan.readState(other, '990101')).toEqual(after!.targetState)
        outcomes.push('after')
      } else {
        expect(after!.status).toBe('draft')
        expect(await hashesNow()).toEqual(before)
        outcomes.push('before')
      }
    }
    console.log(`[fault] outcomes: ${outcomes.join(' ')}; recovered in ≤ ${Math.max(...recoveries)} ms`)
    expect(outcomes).toHaveLength(20)
    expect(Math.max(...recoveries)).toBeLessThan(1000)
  })
})

