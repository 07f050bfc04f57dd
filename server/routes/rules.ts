import { Router } from 'express'
import type { Knex } from 'knex'
import { userWith } from '../http/session.js'
import { WithinQuery } from '../contract/requests.js'
import { parseInput } from '../http/validate.js'
import { checkRules } from '../services/rules.service.js'

/** GET /api/rules/check?within=<code>: every programme-rule violation in the division. */
export function ruleRoutes(knex: Knex): Router {
  const router = Router()
  router.get('/api/rules/check', async (req, res) => {
    const user = userWith(res, 'read')
    const { within } = parseInput(WithinQuery, req.query, 'query')
    res.json(await checkRules(knex, within, user.scope))
  })
  return router
}
