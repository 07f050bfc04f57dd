/**
 * The planning workflow through the API: compute a staff plan on the faulty fixture,
 * review its diff and coverage, apply it (atomic, 409 on stale data or a concurrent
 * apply), revert it exactly, and the supervisors plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { applyPlan } from '../../server/services/plans.service.js'
import { tableHashes } from '../../server/repositories/dataset.repository.js'
import { faultyDataset } from '../fixtures/faulty-dataset.js'
import * as S from '../../server/contract/responses.js'
import { call, get, loadDataset, signIn, startApp, testDb, type Reply } from './harness.js'

let db: Database
let url: string
let stop: () => Promise<void>
let planner: string
let bureau: string

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, faultyDataset())
  ;({ url, stop } = await startApp(db))
  planner = await signIn(db, url, 'plan-planner', 'planner', '990101')
  bureau = await signIn(db, url, 'plan-bureau', 'bureau', '990101')
})
afterAll(() => stop?.())

/** Creates a plan and waits for its job; returns the plan. */
async function computePlan(cookie: string, body: unknown): Promise<Reply['body']> {
  const created = await call(url, 'POST', '/api/plans', { cookie, body })
  expect(created.status, JSON.stringify(created.body)).toBe(202)
  const { id, jobId } = S.PlanCreated.parse(created.body)
  let job: Reply
  const states = new Set<string>()
  do {
    await new Promise((r) => setTimeout(r, 100))
    job = await get(url, `/api/jobs/${jobId}`, cookie)
    expect(job.status).toBe(200)
    S.Job.parse(job.body)
    states.add(job.body.state)
    expect(job.body.progress).toBeGreaterThanOrEqual(0)
    expect(job.body.progress).toBeLessThanOrEqual(1)
  } while (job.body.state === 'queued' || job.body.state === 'running')
  expect(job.body, JSON.stringify(job.body)).toMatchObject({ state: 'done', progress: 1, planId: id })
  const plan = await get(url, `/api/plans/${id}`, cookie)
  expect(plan.status).toBe(200)
  S.Plan.parse(plan.body)
  return plan.body
}

const rules = async (cookie: string, within = '990101') =>
  (await get(url, `/api/rules/check?within=${within}`, cookie)).body.violations.map((v: { rule: string; code: string }) => `${v.rule}:${v.code}`)

describe('staff plan', () => {
  let plan: Reply['body']
  let hashesBefore: Record<string, string>

  it('the fixture has the planted faults', async () => {
    expect(await rules(planner)).toEqual(['station_admin_min:st-990101003', 'town_service_posts_min:990101001'])
  })

  it('is computed as a job and fixes every planted fault, verified', async () => {
    hashesBefore = await tableHashes(db.knex)
    plan = await computePlan(planner, { kind: 'staff', within: '990101' })
    expect(plan).toMatchObject({ kind: 'staff', within: '990101', status: 'draft' })
    expect(plan.result).toMatchObject({ verified: true, status: 'optimal' })
    expect(plan.coverage.before.violations.map((v: { rule: string }) => v.rule).sort()).toEqual(['station_admin_min', 'town_service_posts_min'])
    // The station is staffed from inside its town; the town short of service posts recruits
    // them (no transfer from another town): until the recruitment it stays short.
    expect(plan.coverage.after.violations.map((v: { rule: string; code: string }) => `${v.rule}:${v.code}`)).toEqual(['town_service_posts_min:990101001'])
    expect(plan.diff.summary).toMatchObject({ transfers: 0, released: 0, vacant: 0 })
    const short = plan.diff.towns.find((t: { code: string }) => t.code === '990101001')
    expect(short.recruits).toBeGreaterThan(0)
    expect(short.after.servicePosts + short.recruits).toBeGreaterThanOrEqual(short.villages)
    expect(plan.diff.summary.recruits).toBe(short.recruits)
    // Computing changes nothing.
    expect(await tableHashes(db.knex)).toEqual(hashesBefore)
  })

  it('has a diff that adds up: posts before + moves in − moves out = posts after', async () => {
    const { diff } = plan
    expect(diff.moves.length).toBeGreaterThan(0)
    const net = new Map<string, number>()
    for (const m of diff.moves) {
      net.set(m.from.id, (net.get(m.from.id) ?? 0) - 1)
      net.set(m.to.id, (net.get(m.to.id) ?? 0) + 1)
      expect(m.name).toBeTruthy()
      expect(m.distanceKm).toBeGreaterThanOrEqual(0)
    }
    for (const loc of [...diff.points, ...diff.stations]) {
      expect(loc.before + (net.get(loc.id) ?? 0), loc.id).toBe(loc.after)
    }
    const town1 = diff.towns.find((t: { code: string }) => t.code === '990101001')
    expect(town1.after.servicePosts + town1.recruits).toBeGreaterThanOrEqual(4)
    for (const m of diff.moves) expect(m.crossTown).toBe(false)
    const town3 = diff.towns.find((t: { code: string }) => t.code === '990101003')
    expect(town3.after.adminPosts).toBeGreaterThanOrEqual(2)
    // The same workers before and after: every town keeps its own (recruits come on top).
    const total = (k: 'before' | 'after') => diff.towns.reduce((s: number, t: Record<string, { adminPosts: number; servicePosts: number }>) => s + t[k].adminPosts + t[k].servicePosts, 0)
    expect(total('after')).toBe(total('before'))
  })

  it('a planner may not apply; another county cannot see or touch it', async () => {
    expect((await call(url, 'POST', `/api/plans/${plan.id}/apply`, { cookie: planner })).status).toBe(403)
    const other = await signIn(db, url, 'other-bureau', 'bureau', '990102')
    expect((await get(url, `/api/plans/${plan.id}`, other)).status).toBe(404)
    expect((await call(url, 'POST', `/api/plans/${plan.id}/apply`, { cookie: other })).status).toBe(404)
    expect((await call(url, 'POST', `/api/plans/${plan.id}/discard`, { cookie: other })).status).toBe(404)
    expect((await get(url, `/api/plans?within=990101`, other)).status).toBe(404)
    // (Other files may leave plans of 990102 behind: the db tests share one database.)
    expect((await get(url, `/api/plans?within=990102`, other)).body.plans.map((p: { id: string }) => p.id)).not.toContain(plan.id)
  })

  it('a failure injected mid-apply leaves the data exactly as before', async () => {
    const user = { id: 0, username: 'plan-bureau', role: 'bureau' as const, scope: '990101', supervisorId: null }
    await expect(
      applyPlan(db.knex, user, plan.id, {
        afterWrite: async () => {
          throw new Error('injected failure')
        },
      }),
    ).rejects.toThrow('injected failure')
    expect(await tableHashes(db.knex)).toEqual(hashesBefore)
    expect((await get(url, `/api/plans/${plan.id}`, bureau)).body.status).toBe('draft')
  })

  it('applies atomically; afterwards the coverage equals the plan\'s "after"', async () => {
    // Every statement the apply sends: the workers are written in one, however many move.
    const statements: string[] = []
    const onQuery = (q: { sql: string }) => statements.push(q.sql)
    db.knex.on('query', onQuery)
    const applied = await call(url, 'POST', `/api/plans/${plan.id}/apply`, { cookie: bureau }).finally(() => db.knex.off('query', onQuery))
    expect(applied.status, JSON.stringify(applied.body)).toBe(200)
    expect(plan.diff.moves.length).toBeGreaterThan(1)
    expect(statements.filter((sql) => /^\s*update\s+"?workers/i.test(sql))).toHaveLength(1)
    expect(statements.length).toBeLessThan(30)
    expect(applied.body).toMatchObject({ status: 'applied', appliedBy: 'plan-bureau' })
    expect(await rules(bureau)).toEqual(['town_service_posts_min:990101001'])
    const now = (await get(url, '/api/coverage?within=990101&geometry=false', bureau)).body
    const { villageStatus, ...after } = plan.coverage.after
    expect(now.total).toEqual(after.total)
    expect(now.towns).toEqual(after.towns)
    expect(now.violations).toEqual(after.violations)
    expect(Object.fromEntries(now.villages.features.map((f: { properties: { code: string; status: string } }) => [f.properties.code, f.properties.status]))).toEqual(villageStatus)
    // Applying twice is refused.
    const again = await call(url, 'POST', `/api/plans/${plan.id}/apply`, { cookie: bureau })
    expect(again.status).toBe(409)
    expect(again.body.detail).toMatch(/applied/)
  })

  it('is in the history, and its audit record exists', async () => {
    const list = await get(url, '/api/plans?within=990101', bureau)
    S.PlanList.parse(list.body)
    expect(list.body.plans.map((p: { id: string }) => p.id)).toContain(plan.id)
    const { rows } = await db.knex.raw(`select actor, action from audit_log where entity_id = ?`, [plan.id])
    expect(rows).toEqual([{ actor: 'plan-bureau', action: 'plan.apply' }])
  })

  it('reverts exactly: a revert plan restores the table hashes from before the apply', async () => {
    const revert = await call(url, 'POST', `/api/plans/${plan.id}/revert`, { cookie: planner })
    expect(revert.status, JSON.stringify(revert.body)).toBe(201)
    expect(revert.body).toMatchObject({ status: 'draft', revertsPlanId: plan.id })
    expect(revert.body.diff.moves.length).toBe(plan.diff.moves.length)
    const applied = await call(url, 'POST', `/api/plans/${revert.body.id}/apply`, { cookie: bureau })
    expect(applied.status).toBe(200)
    expect(await tableHashes(db.knex)).toEqual(hashesBefore)
    expect(await rules(bureau)).toEqual(['station_admin_min:st-990101003', 'town_service_posts_min:990101001'])
  })

  it('refuses with 409 when the data changed since the plan was computed', async () => {
    const stale = await computePlan(planner, { kind: 'staff', within: '990101' })
    await db.knex('workers').where({ id: 'w-990101004-p11' }).update({ certified: false })
    const res = await call(url, 'POST', `/api/plans/${stale.id}/apply`, { cookie: bureau })
    expect(res.status).toBe(409)
    expect(res.type).toContain('application/problem+json')
    expect(res.body.detail).toMatch(/changed since this plan was computed/)
    expect(res.body.changedTables).toEqual(['workers'])
    expect(res.body.changedCounties).toEqual(['990101'])
    await db.knex('workers').where({ id: 'w-990101004-p11' }).update({ certified: true })
  })

  it('two concurrent applies on overlapping scopes: exactly one succeeds, the other gets 409', async () => {
    const admin = await signIn(db, url, 'plan-admin', 'admin', '99')
    const county = await computePlan(admin, { kind: 'staff', within: '990101' })
    const city = await computePlan(admin, { kind: 'staff', within: '9901' })
    const before = await tableHashes(db.knex)
    const results = await Promise.all([
      call(url, 'POST', `/api/plans/${county.id}/apply`, { cookie: admin }),
      call(url, 'POST', `/api/plans/${city.id}/apply`, { cookie: admin }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    expect(await tableHashes(db.knex)).not.toEqual(before)
    // What is left waits for the recruitment (the town short of service posts).
    expect(await rules(admin, '9901')).toEqual(['town_service_posts_min:990101001'])
  })
})

describe('plan requests', () => {
  const bad: [unknown, number, string][] = [
    [{ kind: 'staff', within: '990101', params: { speed: 3 } }, 400, 'params.speed'],
    [{ kind: 'staff', within: '990101', params: { moveCost: 3, crossTownMoveCost: 1 } }, 400, 'params.crossTownMoveCost'],
    [{ kind: 'staff', within: '990101', params: { budget: -1 } }, 400, 'params.budget'],
    [{ kind: 'staff', within: '990101', params: { weights: { cats: 2 } } }, 400, 'params.weights.cats'],
    // Odd form values (issue 10): all weights 0, a population weight of a million, a 1 s solve.
    [{ kind: 'staff', within: '990101', params: { weights: { population: 0, dibao: 0, tekun: 0, disabled: 0, children_in_difficulty: 0, left_behind_children: 0, elderly_in_difficulty: 0, left_behind_women: 0 } } }, 400, 'params.weights'],
    [{ kind: 'staff', within: '990101', params: { weights: { population: 1_000_000 } } }, 400, 'params.weights.population'],
    [{ kind: 'staff', within: '990101', params: { timeLimitSec: 1 } }, 400, 'params.timeLimitSec'],
    [{ kind: 'staff', within: '990101', params: { budget: 100_000 } }, 400, 'params.budget'],
    [{ kind: 'magic', within: '990101' }, 400, 'kind'],
    [{ kind: 'staff' }, 400, 'within'],
    [{ kind: 'staff', within: '990101001' }, 400, 'within'],
    [{ kind: 'staff', within: '990102' }, 404, ''],
  ]
  for (const [body, status, field] of bad) {
    it(`${JSON.stringify(body)} → ${status} ${field}`, async () => {
      const res = await call(url, 'POST', '/api/plans', { cookie: planner, body })
      expect(res.status).toBe(status)
      if (field) expect(res.body.field).toBe(field)
      // The UI shows the message in its language: Chinese beside the English detail.
      if (status === 400) expect(res.body.text).toMatchObject({ zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: res.body.detail })
    })
  }

  it('a budget needs a county scope', async () => {
    const admin = await signIn(db, url, 'plan-admin', 'admin', '99')
    const res = await call(url, 'POST', '/api/plans', { cookie: admin, body: { kind: 'staff', within: '9901', params: { budget: 30 } } })
    expect(res.status).toBe(400)
    expect(res.body.field).toBe('params.budget')
  })

  it('a viewer may not create plans', async () => {
    const viewer = await signIn(db, url, 'plan-viewer', 'viewer', '990101')
    expect((await call(url, 'POST', '/api/plans', { cookie: viewer, body: { kind: 'staff', within: '990101' } })).status).toBe(403)
  })

  it('malformed and unknown ids', async () => {
    expect((await get(url, '/api/plans/not-a-uuid', planner)).status).toBe(400)
    expect((await get(url, '/api/plans/00000000-0000-4000-8000-000000000000', planner)).status).toBe(404)
    expect((await get(url, '/api/jobs/00000000-0000-4000-8000-000000000000', planner)).status).toBe(404)
  })
})

describe('supervisors plan', () => {
  it('assigns the stations of the city to supervisors, 5-8 each, verified', async () => {
    const admin = await signIn(db, url, 'plan-admin', 'admin', '99')
    const plan = await computePlan(admin, { kind: 'supervisors', within: '9901' })
    expect(plan.result).toMatchObject({ verified: true })
    for (const s of plan.diff.supervisors) {
      expect(s.after.stations).toBeGreaterThanOrEqual(5)
      expect(s.after.stations).toBeLessThanOrEqual(8)
    }
    expect(plan.coverage.after.violations.filter((v: { rule: string }) => v.rule.startsWith('supervisor') || v.rule === 'station_unsupervised')).toEqual([])
  })
})

describe('grids plan', () => {
  it('redesigns a town into contiguous balanced units; apply then revert restores the tables exactly', async () => {
    const before = await tableHashes(db.knex)
    const plan = await computePlan(bureau, { kind: 'grids', within: '990101001' })
    expect(plan.result).toMatchObject({ verified: true })
    expect(plan.result.towns).toHaveLength(1)
    // 2x2 villages (v1 v2 bottom, v3 v4 top); demands 1475, 2805, 4135, 5465: the only
    // contiguous 2-split within 25 % of the even share is the columns {v1, v3} | {v2, v4}.
    const units = plan.diff.units.map((u: { villages: string[] }) => u.villages.join(',')).sort()
    expect(units).toEqual(['990101001001,990101001003', '990101001002,990101001004'])
    expect(plan.diff.summary.villagesMoved).toBe(2)
    expect(plan.coverage.after.violations.filter((v: { rule: string }) => v.rule === 'village_uncovered' || v.rule === 'station_grid_units_range')).toEqual([])
    const applied = await call(url, 'POST', `/api/plans/${plan.id}/apply`, { cookie: bureau })
    expect(applied.status, JSON.stringify(applied.body)).toBe(200)
    const now = await get(url, '/api/grid-units?within=990101001', bureau)
    expect(now.body.features.map((f: { properties: { villageCodes: string[] } }) => f.properties.villageCodes.join(',')).sort()).toEqual(units)
    const revert = await call(url, 'POST', `/api/plans/${plan.id}/revert`, { cookie: bureau })
    expect(revert.status).toBe(201)
    expect((await call(url, 'POST', `/api/plans/${revert.body.id}/apply`, { cookie: bureau })).status).toBe(200)
    expect(await tableHashes(db.knex)).toEqual(before)
  })
})

