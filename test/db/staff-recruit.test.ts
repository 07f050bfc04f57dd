/**
 * Staff plans on the Shaoguan demo as a county makes them (issue 10): by default no worker
 * changes town (Shaoguan plan §2(3)); shortfalls are recruited; a budget recruits or releases
 * what it says; its bounds are known before solving; an absurd budget is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { clearDataset } from '../../server/repositories/dataset.repository.js'
import { seedDemo } from '../../server/services/seed.service.js'
import * as S from '../../server/contract/responses.js'
import { StaffPlanDiff } from '../../server/contract/plan-diffs.js'
import { PLAN_DEFAULTS } from '../../server/contract/defaults.js'
import { call, get, signIn, startApp, testDb, type Reply } from './harness.js'

let db: Database
let url: string
let stop: () => Promise<void>
let admin: string

beforeAll(async () => {
  db = await testDb()
  await clearDataset(db.knex)
  await seedDemo(db.knex, { city: '4402' })
  ;({ url, stop } = await startApp(db))
  admin = await signIn(db, url, 'recruit-admin', 'admin', '44')
})
afterAll(() => stop?.())

async function plan(within: string, params: Record<string, unknown> = {}): Promise<Reply['body']> {
  const created = await call(url, 'POST', '/api/plans', { cookie: admin, body: { kind: 'staff', within, params } })
  expect(created.status, JSON.stringify(created.body)).toBe(202)
  let job: Reply
  do {
    await new Promise((r) => setTimeout(r, 100))
    job = await get(url, `/api/jobs/${created.body.jobId}`, admin)
  } while (job.body.state === 'queued' || job.body.state === 'running')
  expect(job.body.state, JSON.stringify(job.body)).toBe('done')
  const body = (await get(url, `/api/plans/${created.body.id}`, admin)).body
  return { ...body, diff: StaffPlanDiff.parse(body.diff) }
}

describe('staff plans on the demo keep workers in their towns', () => {
  it('defaults: transfers off, 30 km when allowed', () => {
    expect(PLAN_DEFAULTS).toMatchObject({ allowTransfers: false, maxTransferKm: 30 })
  })

  for (const [within, name] of [
    ['440282', '南雄市'],
    ['440203', '武江区'],
    ['440222', '始兴县'],
    ['4402', '韶关市'],
  ] as const) {
    it(`${name}: no transfers by default; every town keeps its workers; shortfalls recruited, nobody released`, async () => {
      const p = await plan(within)
      expect(p.result).toMatchObject({ verified: true })
      expect(p.diff.summary).toMatchObject({ transfers: 0, released: 0, vacant: 0 })
      for (const m of p.diff.moves) expect(m.crossTown, m.workerId).toBe(false)
      for (const t of p.diff.towns) {
        expect(t.after.adminPosts + t.after.servicePosts, t.code).toBe(t.before.adminPosts + t.before.servicePosts)
        // Posts in the plan meet the rules: recruits make up what the workers cannot.
        expect(t.after.servicePosts + t.recruits, t.code).toBeGreaterThanOrEqual(t.villages)
      }
      expect(p.diff.summary.recruits).toBe(p.diff.towns.reduce((s: number, t: { recruits: number }) => s + t.recruits, 0))
    })
  }

  it('始兴县: the bounds are known before solving; budget 185 recruits 20, 155 releases 10 by name; 100000 is a 400 naming params.budget', async () => {
    const bounds = await get(url, '/api/plans/staff/bounds?within=440222', admin)
    expect(bounds.status).toBe(200)
    const b = S.StaffBounds.parse(bounds.body)
    expect(b).toMatchObject({ within: '440222', name: '始兴县', current: 165 })
    expect(b.minimum).toBeLessThanOrEqual(155)
    expect(b.keep).toBeGreaterThanOrEqual(165)
    expect(b.maximum).toBe(Math.max(b.keep, Math.ceil(165 * 1.5)))
    const up = await plan('440222', { budget: 185 })
    expect(up.diff.summary).toMatchObject({ recruits: 20, released: 0, transfers: 0 })
    const down = await plan('440222', { budget: 155 })
    // Released workers: 165 − 155, plus one more per post the rules make a town recruit.
    expect(down.diff.summary.released - down.diff.summary.recruits).toBe(10)
    expect(down.diff.released).toHaveLength(down.diff.summary.released)
    for (const r of down.diff.released) expect(r.name).toBeTruthy()
    const absurd = await call(url, 'POST', '/api/plans', { cookie: admin, body: { kind: 'staff', within: '440222', params: { budget: 100000 } } })
    expect(absurd.status).toBe(400)
    expect(absurd.body.field).toBe('params.budget')
    expect(absurd.body.detail).toContain(`${b.minimum}-${b.maximum}`)
    const low = await call(url, 'POST', '/api/plans', { cookie: admin, body: { kind: 'staff', within: '440222', params: { budget: b.minimum - 1 } } })
    expect(low.status).toBe(400)
    expect(low.body.field).toBe('params.budget')
    expect((await get(url, '/api/plans/staff/bounds?within=4402', admin)).status).toBe(400)
  })

  it('南雄市 with transfers allowed: every transfer within maxTransferKm of the worker\'s post', async () => {
    const p = await plan('440282', { allowTransfers: true, maxTransferKm: 20 })
    for (const m of p.diff.moves.filter((x: { crossTown: boolean }) => x.crossTown)) expect(m.distanceKm).toBeLessThanOrEqual(20)
    expect(p.diff.summary.transfers).toBe(p.diff.moves.filter((x: { crossTown: boolean }) => x.crossTown).length)
  })
})
