import { Router } from 'express'
import type { Knex } from 'knex'
import { CalendarArrangementBody, YearParams } from '../contract/requests.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import { calendarYear, loadCalendarYear } from '../services/calendar.service.js'

/** GET /api/calendar/:year (every day, official or unpublished); PUT /api/calendar/:year (admin: load a notice). */
export function calendarRoutes(knex: Knex): Router {
  const router = Router()
  router.get('/api/calendar/:year', async (req, res) => {
    userWith(res, 'read')
    const { year } = parseInput(YearParams, req.params, 'path')
    res.json(await calendarYear(knex, Number(year)))
  })
  router.put('/api/calendar/:year', async (req, res) => {
    const user = userWith(res, 'calendar:manage')
    const { year } = parseInput(YearParams, req.params, 'path')
    const body = parseInput(CalendarArrangementBody, req.body ?? {}, 'body')
    res.json(await loadCalendarYear(knex, user, Number(year), body))
  })
  return router
}
