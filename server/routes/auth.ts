import { Router } from 'express'
import type { Knex } from 'knex'
import { LoginBody } from '../contract/requests.js'
import { parseInput } from '../http/validate.js'
import type { SessionUser } from '../auth/roles.js'
import { clearSessionCookie, csrfToken, readCookie, SESSION_COOKIE, setSessionCookie } from '../http/session.js'
import { login, logout, TooManyAttempts } from '../services/auth.service.js'
import type { ThrottlePolicy } from '../repositories/users.repository.js'


/** POST /api/login, POST /api/logout, GET /api/me (the signed-in user, or null) */
export function authRoutes(knex: Knex, opts: { clientThrottle?: ThrottlePolicy; accountThrottle?: ThrottlePolicy } = {}): Router {
  const router = Router()
  router.post('/api/login', async (req, res) => {
    const { username, password } = parseInput(LoginBody, req.body ?? {}, 'body')
    try {
      const session = await login(knex, username, password, { client: req.ip, clientThrottle: opts.clientThrottle, accountThrottle: opts.accountThrottle })
      setSessionCookie(req, res, session.token)
      res.json({ user: session.user, expiresAt: session.expiresAt.toISOString(), csrfToken: csrfToken(session.token) })
    } catch (err) {
      if (err instanceof TooManyAttempts) res.set('Retry-After', String(err.retryAfterSec))
      throw err
    }
  })
  router.post('/api/logout', async (req, res) => {
    const token = readCookie(req, SESSION_COOKIE)
    if (token) await logout(knex, token)
    clearSessionCookie(res)
    res.status(204).end()
  })
  router.get('/api/me', (_req, res) => {
    const user = (res.locals.user as SessionUser | undefined) ?? null
    res.json(user ? { user, csrfToken: res.locals.csrfToken as string } : { user })
  })
  return router
}
