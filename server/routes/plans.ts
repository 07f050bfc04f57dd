import { Router } from 'express'
import type { Knex } from 'knex'
import { ApprovePlanBody, CreatePlanBody, IdParams, PlanExportQuery, ReturnPlanBody, StaffBoundsQuery, SubmitPlanBody, WithinQuery } from '../contract/requests.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import type { JobQueue } from '../services/jobs.js'
import { planWorkbook } from '../services/plan-document.service.js'
import {
  applyPlan,
  approvePlan,
  cancelJob,
  createPlan,
  discardPlan,
  getJob,
  getPlan,
  jobView,
  listPlans,
  planView,
  returnPlan,
  revertPlan,
  staffBounds,
  submitPlan,
} from '../services/plans.service.js'

/** Plans and their jobs: create, read, list, submit, approve, return, apply, discard, revert; cancel a job. */
export function planRoutes(knex: Knex, jobs: JobQueue): Router {
  const router = Router()
  router.post('/api/plans', async (req, res) => {
    const user = userWith(res, 'plan:draft')
    const body = parseInput(CreatePlanBody, req.body ?? {}, 'body')
    const created = await createPlan(knex, jobs, user, { kind: body.kind, within: body.within, params: body.params ?? {} })
    res.status(202).location(`/api/plans/${created.id}`).json(created)
  })
  router.get('/api/plans', async (req, res) => {
    const user = userWith(res, 'read')
    const { within } = parseInput(WithinQuery, req.query, 'query')
    res.json({ plans: await listPlans(knex, user, within) })
  })
  router.get('/api/plans/staff/bounds', async (req, res) => {
    const user = userWith(res, 'read')
    const { within } = parseInput(StaffBoundsQuery, req.query, 'query')
    res.json(await staffBounds(knex, user, within))
  })
  router.get('/api/plans/:id', async (req, res) => {
    const user = userWith(res, 'read')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(await planView(knex, await getPlan(knex, user, id)))
  })
  router.get('/api/plans/:id/export.xlsx', async (req, res) => {
    const user = userWith(res, 'read')
    const { id } = parseInput(IdParams, req.params, 'path')
    const { lang } = parseInput(PlanExportQuery, req.query, 'query')
    const plan = await getPlan(knex, user, id)
    const body = await planWorkbook(plan, lang ?? 'zh')
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`plan-${plan.kind}-${plan.within}-${id.slice(0, 8)}.xlsx`)
      .set('Cache-Control', 'private, no-store')
      .send(body)
  })
  router.post('/api/plans/:id/apply', async (req, res) => {
    const user = userWith(res, 'plan:apply')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(await planView(knex, await applyPlan(knex, user, id)))
  })
  router.post('/api/plans/:id/submit', async (req, res) => {
    const user = userWith(res, 'plan:draft')
    const { id } = parseInput(IdParams, req.params, 'path')
    const { note } = parseInput(SubmitPlanBody, req.body ?? {}, 'body')
    res.json(await planView(knex, await submitPlan(knex, user, id, note)))
  })
  router.post('/api/plans/:id/approve', async (req, res) => {
    const user = userWith(res, 'plan:apply')
    const { id } = parseInput(IdParams, req.params, 'path')
    parseInput(ApprovePlanBody, req.body ?? {}, 'body')
    res.json(await planView(knex, await approvePlan(knex, user, id)))
  })
  router.post('/api/plans/:id/return', async (req, res) => {
    const user = userWith(res, 'plan:apply')
    const { id } = parseInput(IdParams, req.params, 'path')
    const { comment } = parseInput(ReturnPlanBody, req.body ?? {}, 'body')
    res.json(await planView(knex, await returnPlan(knex, user, id, comment)))
  })
  router.post('/api/plans/:id/discard', async (req, res) => {
    const user = userWith(res, 'plan:draft')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(await planView(knex, await discardPlan(knex, user, id)))
  })
  router.post('/api/plans/:id/revert', async (req, res) => {
    const user = userWith(res, 'plan:draft')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.status(201).json(await planView(knex, await revertPlan(knex, user, id)))
  })
  router.get('/api/jobs/:id', async (req, res) => {
    const user = userWith(res, 'read')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(jobView(await getJob(knex, user, id)))
  })
  router.post('/api/jobs/:id/cancel', async (req, res) => {
    const user = userWith(res, 'plan:draft')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(jobView(await cancelJob(knex, jobs, user, id)))
  })
  return router
}
