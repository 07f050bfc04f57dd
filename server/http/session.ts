/**
 * Session cookie handling and the guard of /api: every route except the public ones
 * needs a live session; the user is put on res.locals.user.
 */
import type { Request, RequestHandler, Response } from 'express'
import type { Knex } from 'knex'
import { can, type Permission, type SessionUser } from '../auth/roles.js'
import { HttpError } from '../errors.js'
import { sessionUser, SESSION_TTL_MS, Unauthorized } from '../services/auth.service.js'

export const SESSION_COOKIE = 'sb_session'
const PUBLIC = new Set(['/api/health', '/api/login', '/api/openapi.json', '/api/me'])

/** The value of one cookie of the request, or null. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: SESSION_TTL_MS })
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' })
}

/**
 * 401 for /api/* without a live session, except health, login, the OpenAPI document and
 * /api/me (which answers `{ user: null }`, so a signed-out page load logs no failed request).
 */
export function requireSession(knex: Knex): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req, SESSION_COOKIE)
    const user = token ? await sessionUser(knex, token) : null
    if (user) res.locals.user = user
    if (PUBLIC.has(req.baseUrl + req.path)) return next()
    if (!user) throw new Unauthorized(token ? 'session expired or signed out; sign in again' : undefined)
    res.locals.user = user
    next()
  }
}

/** The signed-in user of a guarded route. */
export function currentUser(res: Response): SessionUser {
  const user = res.locals.user as SessionUser | undefined
  if (!user) throw new Unauthorized()
  return user
}

export class Forbidden extends HttpError {
  constructor(detail: string) {
    super(403, 'Forbidden', detail)
  }
}

/** The signed-in user, after checking that their role grants `permission`. */
export function userWith(res: Response, permission: Permission): SessionUser {
  const user = currentUser(res)
  if (!can(user.role, permission)) throw new Forbidden(`role ${user.role} may not ${permission.replace(':', ' ')}`)
  return user
}
