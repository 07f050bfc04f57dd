/**
 * The approval of plans through the API (issue 10): a planner submits a draft with a note,
 * a bureau user approves it (then applies it) or returns it with a comment; an open plan
 * reads as `outdated` as soon as the data of its county changes; the history names the
 * division and carries the plan's key numbers; a second apply says "already applied".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as S from '../../server/contract/responses.js'
import type { Database } from '../../server/db/connection.js'
import { faultyDataset } from '../fixtures/faulty-dataset.js'
import { call, get, loadDataset, signIn, startApp, testDb, type Reply } from './harness.js'

let db: Database
let url: string
let stop: () => Promise<void>
let planner: string
let bureau: string
let bureau2: string

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, faultyDataset())
  ;({ url, stop } = await startApp(db))
  planner = await signIn(db, url, 'review-planner', 'planner', '990101')
  bureau = await signIn(db, url, 'review-bureau', 'bureau', '9901')
  bureau2 = await signIn(db, url, 'review-bureau2', 'bureau', '990101')
})
afterAll(() => stop?.())

async function draft(cookie = planner): Promise<Reply['body']> {
  const created = await call(url, 'POST', '/api/plans', { cookie, body: { kind: 'staff', within: '990101' } })
  expect(created.status, JSON.stringify(created.body)).toBe(202)
  const { id, jobId } = S.PlanCreated.parse(created.body)
  for (;;) {
    const job = await get(url, `/api/jobs/${jobId}`, cookie)
    if (job.body.state !== 'queued' && job.body.state !== 'running') break
    await new Promise((r) => setTimeout(r, 100))
  }
  const plan = await get(url, `/api/plans/${id}`, cookie)
  expect(plan.body.status).toBe('draft')
  return plan.body
}

const post = (cookie: string, path: string, body?: unknown) => call(url, 'POST', path, { cookie, body })
const status = async (id: string, cookie = planner) => (await get(url, `/api/plans/${id}`, cookie)).body.status

describe('plan approval', () => {
  it('submit → approve → apply, each step audited; a second apply says it is already applied', async () => {
    const plan = await draft()
    const submitted = await post(planner, `/api/plans/${plan.id}/submit`, { note: '请审核：补足第三社工站事务岗' })
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200)
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      review: { submittedBy: 'review-planner', note: '请审核：补足第三社工站事务岗', decision: null, decidedBy: null },
    })
    // A planner cannot approve; the approver is a bureau user.
    expect((await post(planner, `/api/plans/${plan.id}/approve`)).status).toBe(403)
    const approved = await post(bureau, `/api/plans/${plan.id}/approve`)
    expect(approved.status, JSON.stringify(approved.body)).toBe(200)
    expect(approved.body).toMatchObject({ status: 'approved', review: { submittedBy: 'review-planner', decision: 'approved', decidedBy: 'review-bureau' } })
    expect(Date.parse(approved.body.review.decidedAt)).toBeGreaterThanOrEqual(Date.parse(approved.body.review.submittedAt))
    const applied = await post(bureau, `/api/plans/${plan.id}/apply`)
    expect(applied.status, JSON.stringify(applied.body)).toBe(200)
    expect(applied.body.status).toBe('applied')
    // The other tab: the same plan applied again is "already applied", not "data changed".
    const again = await post(bureau2, `/api/plans/${plan.id}/apply`)
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({ planStatus: 'applied', appliedBy: 'review-bureau' })
    expect(again.body.detail).toMatch(/already been applied/)
    const actions = await db.knex('audit_log').where({ entity_id: plan.id }).orderBy('id').pluck('action')
    expect(actions).toEqual(['plan.submit', 'plan.approve', 'plan.apply'])
  })

  it('return needs a comment; the planner sees it and submits again, which clears the last decision', async () => {
    const plan = await draft()
    expect((await post(planner, `/api/plans/${plan.id}/return`, { comment: 'x' })).status).toBe(403)
    expect((await post(bureau, `/api/plans/${plan.id}/return`, { comment: '未提交' })).status).toBe(409) // a draft, not submitted
    await post(planner, `/api/plans/${plan.id}/submit`, {})
    const noComment = await post(bureau, `/api/plans/${plan.id}/return`, { comment: '   ' })
    expect(noComment.status).toBe(400)
    expect(noComment.body.field).toBe('comment')
    const unknown = await post(bureau, `/api/plans/${plan.id}/return`, { comment: 'ok', approve: true })
    expect(unknown.status).toBe(400)
    const returned = await post(bureau, `/api/plans/${plan.id}/return`, { comment: '请说明为何调走事务岗' })
    expect(returned.body).toMatchObject({ status: 'returned', review: { decision: 'returned', decidedBy: 'review-bureau', comment: '请说明为何调走事务岗' } })
    const seen = await get(url, `/api/plans/${plan.id}`, planner)
    expect(seen.body.review.comment).toBe('请说明为何调走事务岗')
    expect((await post(bureau, `/api/plans/${plan.id}/approve`)).status).toBe(409) // returned, not submitted
    const resubmitted = await post(planner, `/api/plans/${plan.id}/submit`, { note: '已说明' })
    expect(resubmitted.body).toMatchObject({ status: 'submitted', review: { note: '已说明', decision: null, comment: null } })
    await post(planner, `/api/plans/${plan.id}/discard`)
    expect(await status(plan.id)).toBe('discarded')
  })

  it('a body that is not JSON is refused (415), not read as no fields', async () => {
    const plan = await draft()
    const form = await call(url, 'POST', `/api/plans/${plan.id}/submit`, { cookie: planner, headers: { 'content-type': 'application/x-www-form-urlencoded' }, raw: 'note=1&note=2' })
    expect(form.status).toBe(415)
    expect(form.body.field).toBe('body')
    expect(await status(plan.id)).toBe('draft')
    // No body at all is fine for a step without fields.
    expect((await call(url, 'POST', `/api/plans/${plan.id}/submit`, { cookie: planner })).body.status).toBe('submitted')
    await post(planner, `/api/plans/${plan.id}/discard`)
  })

  it('the submitter cannot approve their own plan', async () => {
    const plan = await draft(bureau2)
    await post(bureau2, `/api/plans/${plan.id}/submit`, {})
    const own = await post(bureau2, `/api/plans/${plan.id}/approve`)
    expect(own.status).toBe(409)
    expect(own.body.detail).toMatch(/submitted by you/)
    expect((await post(bureau, `/api/plans/${plan.id}/approve`)).body.status).toBe('approved')
    await post(bureau, `/api/plans/${plan.id}/discard`)
  })

  it('open plans read as outdated at once when their county changes, in the plan and in the history', async () => {
    const drafted = await draft()
    const submitted = await draft()
    await post(planner, `/api/plans/${submitted.id}/submit`, {})
    await db.knex('workers').where({ id: 'w-990101004-p11' }).update({ certified: false })
    try {
      expect(await status(drafted.id)).toBe('outdated')
      expect(await status(submitted.id)).toBe('outdated')
      const history = await get(url, '/api/plans?within=990101', planner)
      const rows = new Map(history.body.plans.map((p: { id: string; status: string }) => [p.id, p.status]))
      expect(rows.get(drafted.id)).toBe('outdated')
      expect(rows.get(submitted.id)).toBe('outdated')
      // Nothing moves an outdated plan forward: compute a new one, or discard it.
      const submit = await post(planner, `/api/plans/${drafted.id}/submit`, {})
      expect(submit.status).toBe(409)
      expect(submit.body).toMatchObject({ planStatus: 'outdated' })
      expect((await post(bureau, `/api/plans/${submitted.id}/approve`)).body.planStatus).toBe('outdated')
      expect((await post(bureau, `/api/plans/${submitted.id}/apply`)).status).toBe(409)
      expect((await post(planner, `/api/plans/${drafted.id}/discard`)).body.status).toBe('discarded')
    } finally {
      await db.knex('workers').where({ id: 'w-990101004-p11' }).update({ certified: true })
    }
  })

  it('history rows name the division and carry the key numbers, without the bulky diff and coverage', async () => {
    const plan = await draft()
    const history = await get(url, '/api/plans?within=990101', planner)
    const row = history.body.plans.find((p: { id: string }) => p.id === plan.id)
    expect(row.withinName).toBe(plan.withinName)
    expect(row.withinName).toBeTruthy()
    expect(row.figures.summary).toEqual(plan.diff.summary)
    expect(row.figures.before).toEqual(plan.coverage.before.total)
    expect(row.figures.after).toEqual(plan.coverage.after.total)
    expect(row).not.toHaveProperty('diff')
    expect(row).not.toHaveProperty('coverage')
    await post(planner, `/api/plans/${plan.id}/discard`)
  })

  it('another county cannot submit, approve or return a plan (404)', async () => {
    const plan = await draft()
    const other = await signIn(db, url, 'review-other', 'bureau', '990102')
    for (const action of ['submit', 'approve', 'return']) {
      expect((await post(other, `/api/plans/${plan.id}/${action}`, action === 'return' ? { comment: 'x' } : {})).status).toBe(404)
    }
    await post(planner, `/api/plans/${plan.id}/discard`)
  })
})
