/**
 * Durable jobs: a job left running by a dead process is never stuck; cancel stops a running
 * solve (the pool's threads come free) and leaves the plan cancelled with no later
 * progress write; progress is SQL-guarded; on PostgreSQL two pg-boss queues share the work,
 * and a queue that stops hands its running job to the other.
 */
import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.js'
import type { SessionUser } from '../../server/auth/roles.js'
import { JOB_INTERRUPTED } from '../../server/contract/jobs.js'
import type { Database } from '../../server/db/connection.js'
import { findJob, insertJob, markJobCancelled, reportProgress } from '../../server/repositories/jobs.repository.js'
import { insertPlan } from '../../server/repositories/plans.repository.js'
import { InProcessJobQueue, type JobHandler, type JobQueue } from '../../server/services/jobs.js'
import { PgBossJobQueue } from '../../server/services/jobs.pg-boss.js'
import { cancelJob, createPlan, getPlan, planJobHandler } from '../../server/services/plans.service.js'
import { seedDemo } from '../../server/services/seed.service.js'
import { solverPool } from '../../solver/index.js'
import { call, get, signIn, testDb, testDbUrl } from './harness.js'

let db: Database
let url: string
let server: Server
let jobs: JobQueue
const admin: SessionUser = { id: 0, username: 'jobs-admin', role: 'admin', scope: '44', supervisorId: null }

beforeAll(async () => {
  db = await testDb()
  await seedDemo(db.knex, { city: '4402' })
  const app = createApp(db, { serveWeb: false })
  jobs = app.locals.jobs
  server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s))
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 120_000)
afterAll(async () => {
  await jobs?.idle()
  await new Promise((r) => server?.close(r))
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A plan and its job as a dead process leaves them: computing, the job `state`, last beat long ago. */
async function orphan(state: 'queued' | 'running', kind: 'supervisors' | 'grids' = 'supervisors', within = '4402') {
  const planId = randomUUID()
  const jobId = randomUUID()
  await insertPlan(db.knex, { id: planId, kind, within, status: 'computing', params: {}, createdBy: 'gone' })
  await insertJob(db.knex, { id: jobId, planId })
  if (state === 'running') await db.knex('jobs').where({ id: jobId }).update({ state: 'running', updated_at: db.knex.raw(`now() - interval '1 hour'`) })
  return { planId, jobId }
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

describe('cancel', () => {
  it('stops a running grid plan within ~2 s: threads free, plan cancelled, no later progress write', async () => {
    const bureau = await signIn(db, url, 'jobs-bureau', 'bureau', '4402')
    const planner = await signIn(db, url, 'jobs-planner', 'planner', '440203')
    const viewer = await signIn(db, url, 'jobs-viewer', 'viewer', '4402')
    const created = await call(url, 'POST', '/api/plans', { cookie: bureau, body: { kind: 'grids', within: '4402', params: { timeLimitSec: 60 } } })
    expect(created.status).toBe(202)
    const { id: planId, jobId } = created.body
    // Wait until towns are being designed on the pool's threads.
    await until('a solve running', async () => {
      const job = (await get(url, `/api/jobs/${jobId}`, bureau)).body
      return job.state === 'running' && job.step?.step === 'designingGrids' && job.step.done >= 1 && solverPool().stats().busy > 0
    })
    const progress = (await get(url, `/api/jobs/${jobId}`, bureau)).body
    expect(progress.step).toMatchObject({ step: 'designingGrids', total: 112 })
    expect(typeof progress.step.town).toBe('string')
    // Independent towns run side by side, never more than the pool's threads.
    expect(solverPool().stats().peakBusy).toBeGreaterThanOrEqual(Math.min(2, solverPool().size))
    expect(solverPool().stats().peakBusy).toBeLessThanOrEqual(solverPool().size)

    expect((await call(url, 'POST', `/api/jobs/${jobId}/cancel`, { cookie: viewer })).status).toBe(403)
    expect((await call(url, 'POST', `/api/jobs/${jobId}/cancel`, { cookie: planner })).status).toBe(404) // 4402 is outside 440203
    const t = Date.now()
    const cancelled = await call(url, 'POST', `/api/jobs/${jobId}/cancel`, { cookie: bureau })
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200)
    expect(cancelled.body).toMatchObject({ state: 'cancelled', planId })
    expect((await get(url, `/api/plans/${planId}`, bureau)).body.status).toBe('cancelled')

    // The solves really stop: every pool thread is free again (the HiGHS interrupt, or the thread
    // terminated 2 s after it), none waits. 4 s: the 2 s grace plus a margin for a loaded machine.
    await until('the pool to drain', async () => solverPool().stats().busy === 0 && solverPool().stats().waiting === 0, 4000)
    expect(Date.now() - t).toBeLessThan(4000)
    const row = async () => db.knex('jobs').where({ id: jobId }).first('state', 'progress', 'step', 'updated_at')
    const atCancel = await row()
    await sleep(1500)
    await jobs.idle()
    expect(await row()).toEqual(atCancel)
    expect(atCancel.state).toBe('cancelled')
    const plan = await getPlan(db.knex, admin, planId)
    expect(plan).toMatchObject({ status: 'cancelled', diff: null, targetState: null })

    const again = await call(url, 'POST', `/api/jobs/${jobId}/cancel`, { cookie: bureau })
    expect(again.status).toBe(409)
  }, 120_000)

  it('a finished job cannot be cancelled (409); progress is never written after the final state', async () => {
    const { jobId } = await createPlan(db.knex, jobs, admin, { kind: 'supervisors', within: '4402', params: {} })
    await jobs.idle()
    expect((await findJob(db.knex, jobId, '44'))?.state).toBe('done')
    await expect(cancelJob(db.knex, jobs, admin, jobId)).rejects.toMatchObject({ status: 409 })

    const { jobId: other } = await orphan('queued')
    expect(await markJobCancelled(db.knex, other)).toBe(true)
    expect(await reportProgress(db.knex, other, 0.5, { step: 'readingData', done: 0, total: 1 })).toBe(false)
    expect(await findJob(db.knex, other, '44')).toMatchObject({ state: 'cancelled', progress: 0, step: null })
  }, 60_000)
})

describe.runIf(!process.env.DATABASE_URL)('restart, embedded database', () => {
  it('fails the jobs a dead process left queued or running, saying so', async () => {
    const running = await orphan('running')
    const queued = await orphan('queued')
    const queue = new InProcessJobQueue(db.knex, planJobHandler(db.knex))
    await queue.start()
    for (const o of [running, queued]) {
      expect(await findJob(db.knex, o.jobId, '44')).toMatchObject({ state: 'failed', error: JOB_INTERRUPTED })
      expect(await getPlan(db.knex, admin, o.planId)).toMatchObject({ status: 'failed', error: JOB_INTERRUPTED })
    }
    const bureau = await signIn(db, url, 'jobs-bureau', 'bureau', '4402')
    const job = await get(url, `/api/jobs/${running.jobId}`, bureau)
    expect(job.body).toMatchObject({ state: 'failed', error: JOB_INTERRUPTED })
  })
})

describe.runIf(!!process.env.DATABASE_URL)('pg-boss, PostgreSQL', () => {
  const queues: PgBossJobQueue[] = []
  afterAll(async () => {
    for (const q of queues) await q.stop()
  })
  /** A queue that records which jobs it ran. */
  function queue(name: string, ran: Array<[string, string]>, opts: { staleSec?: number } = {}) {
    const handler = planJobHandler(db.knex)
    const recording: JobHandler = (job, ctx) => {
      ran.push([name, job.id])
      return handler(job, ctx)
    }
    return testDbUrl().then((connectionString) => {
      const q = new PgBossJobQueue(db.knex, recording, { connectionString: connectionString!, concurrency: 1, pollingIntervalSeconds: 0.5, staleSec: opts.staleSec ?? 5 })
      queues.push(q)
      return q
    })
  }

  it('at start: fails a running job whose worker died (stale heartbeat), runs a queued job that lost its pg-boss job', async () => {
    const running = await orphan('running')
    const queued = await orphan('queued')
    const ran: Array<[string, string]> = []
    const a = await queue('a', ran)
    await a.start()
    expect(await findJob(db.knex, running.jobId, '44')).toMatchObject({ state: 'failed', error: JOB_INTERRUPTED })
    expect((await getPlan(db.knex, admin, running.planId)).status).toBe('failed')
    await a.idle()
    expect(await findJob(db.knex, queued.jobId, '44')).toMatchObject({ state: 'done', progress: 1 })
    expect((await getPlan(db.knex, admin, queued.planId)).status).toBe('draft')
    expect(ran).toEqual([['a', queued.jobId]])
    await a.stop()
  }, 60_000)

  it('two queues share the work; a queue that stops hands its running job to the other; cancel reaches another process', async () => {
    const ran: Array<[string, string]> = []
    const [a, b] = await Promise.all([queue('a', ran), queue('b', ran)])
    await a.start()
    await b.start()
    const created = []
    for (let i = 0; i < 4; i++) created.push(await createPlan(db.knex, a, admin, { kind: 'supervisors', within: '4402', params: {} }))
    await a.idle()
    for (const p of created) expect((await getPlan(db.knex, admin, p.id)).status).toBe('draft')
    expect(new Set(ran.map(([q]) => q))).toEqual(new Set(['a', 'b']))
    expect(ran).toHaveLength(created.length) // each job ran once

    // A long grid plan: wait until one queue runs it, stop that queue: the other takes it up.
    ran.length = 0
    const long = await createPlan(db.knex, a, admin, { kind: 'grids', within: '4402', params: { timeLimitSec: 60 } })
    await until('the grid plan to start', async () => (await findJob(db.knex, long.jobId, '44'))?.state === 'running' && ran.length === 1)
    const [first] = ran[0]
    const [stopping, other] = first === 'a' ? [a, b] : [b, a]
    await stopping.stop()
    await until('the other queue to take it up', async () => ran.length === 2, 30_000)
    expect(ran[1][0]).not.toBe(first)
    await until('it to run again', async () => (await findJob(db.knex, long.jobId, '44'))?.state === 'running')
    // Cancelled through a queue that does not run it: the runner sees it at its next heartbeat.
    const t = Date.now()
    await cancelJob(db.knex, stopping, admin, long.jobId)
    await until('the pool to drain', async () => solverPool().stats().busy === 0, 3500)
    expect(Date.now() - t).toBeLessThan(3500)
    await other.idle()
    expect(await findJob(db.knex, long.jobId, '44')).toMatchObject({ state: 'cancelled' })
    expect((await getPlan(db.knex, admin, long.id)).status).toBe('cancelled')
  }, 180_000)
})
