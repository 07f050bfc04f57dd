import { Router } from 'express'
import type { Knex } from 'knex'
import { z } from 'zod'
import { SPECIAL_GROUPS } from '../../solver/policy.js'
import { userWith } from '../http/session.js'
import { DivisionCode, parseInput, WithinQuery } from '../http/validate.js'
import type { JobQueue } from '../services/jobs.js'
import type { PlanParams } from '../services/plans/types.js'
import { applyPlan, createPlan, discardPlan, getJob, getPlan, listPlans, PLAN_KINDS, planView, revertPlan } from '../services/plans.service.js'

const weight = z.number().min(0).max(1e6)
export const PlanParamsSchema = z
  .object({
    weights: z.object(Object.fromEntries(['population', ...SPECIAL_GROUPS].map((k) => [k, weight.optional()]))).strict().optional(),
    budget: z.number().int().min(0).max(100_000).optional(),
    moveCost: z.number().min(0).max(1000).optional(),
    crossTownMoveCost: z.number().min(0).max(1000).optional(),
    allowCrossTownMoves: z.boolean().optional(),
    distanceKm: z.number().positive().max(200).optional(),
    overloadFactor: z.number().min(1).max(10).optional(),
    timeLimitSec: z.number().min(1).max(600).optional(),
    gridUnits: z.union([z.literal('keep'), z.literal('auto'), z.literal(2), z.literal(3)]).optional(),
  })
  .strict()

const CreatePlanBody = z
  .object({ kind: z.enum(PLAN_KINDS), within: DivisionCode, params: PlanParamsSchema.optional() })
  .strict()
const IdParams = z.object({ id: z.uuid('an id like 0b7c…-…') })

/** Plans and their jobs: create, read, list, apply, discard, revert. */
export function planRoutes(knex: Knex, jobs: JobQueue): Router {
  const router = Router()
  router.post('/api/plans', async (req, res) => {
    const user = userWith(res, 'plan:draft')
    const body = parseInput(CreatePlanBody, req.body ?? {}, 'body')
    const created = await createPlan(knex, jobs, user, { kind: body.kind, within: body.within, params: (body.params ?? {}) as PlanParams })
    res.status(202).location(`/api/plans/${created.id}`).json(created)
  })
  router.get('/api/plans', async (req, res) => {
    const user = userWith(res, 'read')
    const { within } = parseInput(WithinQuery, req.query, 'query')
    res.json({ plans: await listPlans(knex, user, within) })
  })
  router.get('/api/plans/:id', async (req, res) => {
    const user = userWith(res, 'read')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(planView(await getPlan(knex, user, id)))
  })
  router.post('/api/plans/:id/apply', async (req, res) => {
    const user = userWith(res, 'plan:apply')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(planView(await applyPlan(knex, user, id)))
  })
  router.post('/api/plans/:id/discard', async (req, res) => {
    const user = userWith(res, 'plan:draft')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(planView(await discardPlan(knex, user, id)))
  })
  router.post('/api/plans/:id/revert', async (req, res) => {
    const user = userWith(res, 'plan:draft')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.status(201).json(planView(await revertPlan(knex, user, id)))
  })
  router.get('/api/jobs/:id', async (req, res) => {
    const user = userWith(res, 'read')
    const { id } = parseInput(IdParams, req.params, 'path')
    const job = await getJob(knex, user, id)
    res.json({ state: job.state, progress: job.progress, planId: job.planId, message: job.message, ...(job.error ? { error: job.error } : {}) })
  })
  return router
}
