import { Router } from 'express'
import type { Knex } from 'knex'
import { CreateTokenBody, IdParams } from '../contract/requests.js'
import { userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import { createToken, listTokensOf, revokeToken } from '../services/tokens.service.js'

/** POST /api/tokens, GET /api/tokens, DELETE /api/tokens/:id: the caller's own API tokens (session cookie only). */
export function tokenRoutes(knex: Knex): Router {
  const router = Router()
  router.post('/api/tokens', async (req, res) => {
    const user = userWith(res, 'read')
    const body = parseInput(CreateTokenBody, req.body ?? {}, 'body')
    res.status(201).json(await createToken(knex, user, body))
  })
  router.get('/api/tokens', async (_req, res) => {
    res.json(await listTokensOf(knex, userWith(res, 'read')))
  })
  router.delete('/api/tokens/:id', async (req, res) => {
    const user = userWith(res, 'read')
    const { id } = parseInput(IdParams, req.params, 'path')
    await revokeToken(knex, user, id)
    res.status(204).end()
  })
  return router
}
