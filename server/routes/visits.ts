import { Router } from 'express'
import type { Knex } from 'knex'
import {
  CalendarTokenParams,
  CreateVisitPlanBody,
  EntityParams,
  IdParams,
  MonthQuery,
  RecordVisitBody,
  VisitEditBody,
  VisitEditParams,
  VisitPlanListQuery,
  VisitsQuery,
} from '../contract/requests.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import { createCalendarToken, monthFeed, revokeCalendarToken, tokenFeed } from '../services/ics.service.js'
import type { JobQueue } from '../services/jobs.js'
import { createVisitPlan, editPlannedVisit, getVisitPlan, listVisitPlans, publishVisitPlan, visitPlanView } from '../services/visit-plans.service.js'
import { recordVisitFor, visitsWithin } from '../services/visit-records.service.js'

const ICS = 'text/calendar; charset=utf-8'

/** Supervisors' visit plans, visits, their records and calendar feeds (README "Supervision visits"). */
export function visitRoutes(knex: Knex, jobs: JobQueue): Router {
  const router = Router()
  router.post('/api/visit-plans', async (req, res) => {
    const user = userWith(res, 'visits:manage')
    const body = parseInput(CreateVisitPlanBody, req.body ?? {}, 'body')
    const created = await createVisitPlan(knex, jobs, user, body)
    res.status(202).location(`/api/visit-plans/${created.id}`).json(created)
  })
  router.get('/api/visit-plans', async (req, res) => {
    const user = userWith(res, 'read')
    const query = parseInput(VisitPlanListQuery, req.query, 'query')
    res.json({ plans: await listVisitPlans(knex, user, query) })
  })
  router.get('/api/visit-plans/:id', async (req, res) => {
    const user = userWith(res, 'read')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(await visitPlanView(knex, await getVisitPlan(knex, user, id)))
  })
  router.patch('/api/visit-plans/:id/visits/:stationId', async (req, res) => {
    const user = userWith(res, 'visits:manage')
    const { id, stationId } = parseInput(VisitEditParams, req.params, 'path')
    const body = parseInput(VisitEditBody, req.body ?? {}, 'body')
    res.json(await visitPlanView(knex, await editPlannedVisit(knex, user, id, stationId, body)))
  })
  router.post('/api/visit-plans/:id/publish', async (req, res) => {
    const user = userWith(res, 'visits:manage')
    const { id } = parseInput(IdParams, req.params, 'path')
    res.json(await visitPlanView(knex, await publishVisitPlan(knex, user, id)))
  })
  router.get('/api/visits', async (req, res) => {
    const user = userWith(res, 'read')
    const { within, month } = parseInput(VisitsQuery, req.query, 'query')
    res.json(await visitsWithin(knex, user, within, month))
  })
  router.post('/api/visits/:id/record', async (req, res) => {
    const user = userWith(res, 'visits:manage')
    const { id } = parseInput(IdParams, req.params, 'path')
    const body = parseInput(RecordVisitBody, req.body ?? {}, 'body')
    res.json(await recordVisitFor(knex, user, id, body))
  })
  router.get('/api/supervisors/:id/visits.ics', async (req, res) => {
    const user = userWith(res, 'read')
    const { id } = parseInput(EntityParams, req.params, 'path')
    const { month } = parseInput(MonthQuery, req.query, 'query')
    res.type(ICS).set('Content-Disposition', `inline; filename="visits-${id}-${month}.ics"`).send(await monthFeed(knex, user, id, month))
  })
  router.post('/api/supervisors/:id/calendar-token', async (req, res) => {
    const user = userWith(res, 'visits:manage')
    const { id } = parseInput(EntityParams, req.params, 'path')
    res.status(201).json(await createCalendarToken(knex, user, id, `${req.protocol}://${req.get('host')}`))
  })
  router.delete('/api/supervisors/:id/calendar-token', async (req, res) => {
    const user = userWith(res, 'visits:manage')
    const { id } = parseInput(EntityParams, req.params, 'path')
    await revokeCalendarToken(knex, user, id)
    res.status(204).end()
  })
  return router
}

/** GET /ics/<token>.ics: the subscription feed, no session (the token is the secret); outside /api, so no CSRF either. */
export function calendarFeedRoutes(knex: Knex): Router {
  const router = Router()
  router.get('/ics/:token.ics', async (req, res) => {
    const { token } = parseInput(CalendarTokenParams, req.params, 'path')
    // A calendar app polls: let it revalidate, never let a shared cache keep a secret feed.
    res.type(ICS).set('Cache-Control', 'private, no-cache').send(await tokenFeed(knex, token))
  })
  return router
}
