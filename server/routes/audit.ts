import { Router } from 'express'
import type { Knex } from 'knex'
import { AuditQuery, IdParams, SessionsQuery } from '../contract/requests.js'
import { clearSessionCookie, currentSessionId, currentUser, userWith } from '../http/session.js'
import { parseInput } from '../http/validate.js'
import { readAudit } from '../services/audit.service.js'
import { listSessionsOf, revokeSession } from '../services/sessions.service.js'

/** GET /api/audit (the audit trail), GET /api/sessions, DELETE /api/sessions/:id. */
export function auditRoutes(knex: Knex): Router {
  const router = Router()
  router.get('/api/audit', async (req, res) => {
    const user = userWith(res, 'audit:read')
    const query = parseInput(AuditQuery, req.query, 'query')
    res.json(await readAudit(knex, user, query))
  })
  router.get('/api/sessions', async (req, res) => {
    const user = currentUser(res)
    const { user: username } = parseInput(SessionsQuery, req.query, 'query')
    res.json(await listSessionsOf(knex, user, currentSessionId(res), username))
  })
  router.delete('/api/sessions/:id', async (req, res) => {
    const user = currentUser(res)
    const { id } = parseInput(IdParams, req.params, 'path')
    await revokeSession(knex, user, id)
    if (id === currentSessionId(res)) clearSessionCookie(res)
    res.status(204).end()
  })
  return router
}
