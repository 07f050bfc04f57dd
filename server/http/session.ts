/**
 * Session cookie handling and the guard of /api: every route except the public ones
 * needs a live session; the user is put on res.locals.user.
 */
import { createHash } from 'node:crypto'
import { parse as parseCookies } from 'cookie'
import type { Request, RequestHandler, Response } from 'express'
import type { Knex } from 'knex'
import { can, type Permission, type SessionUser } from '../auth/roles.js'
import { Forbidden } from '../errors.js'
import { liveSession, SESSION_TTL_MS, Unauthorized } from '../services/auth.service.js'
import { tokenUser } from '../services/tokens.service.js'

export const SESSION_COOKIE = 'sb_session'
const PUBLIC = new Set(['/api/health', '/api/login', '/api/openapi.json', '/api/me'])

/** The value of one cookie of the request, or null (a malformed header is no cookie, never an error). */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie
  if (!header) return null
  return parseCookies(header)[name] || null
}

/** The header every state-changing request of a signed-in browser must carry (CSRF defence). */
export const CSRF_HEADER = 'x-csrf-token'

/**
 * The CSRF token of a session: derived from the session token, which a page of another
 * site cannot read (the cookie is httpOnly), so it cannot forge the header.
 */
export function csrfToken(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url')
}

export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: SESSION_TTL_MS })
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' })
}

/** Where requireSession accepts API tokens, and whether a 401 invites HTTP Basic (a GIS client or browser then asks for it). */
export interface GuardOptions {
  tokens?: boolean
  basicChallenge?: boolean
}

/** Credentials in an Authorization header: a Bearer token, or HTTP Basic (user name + token as password). */
function tokenCredentials(header: string): { token: string; username?: string } | null {
  const [scheme, value = ''] = header.trim().split(/\s+/, 2)
  if (/^bearer$/i.test(scheme)) return { token: value }
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon < 0 ? null : { username: decoded.slice(0, colon), token: decoded.slice(colon + 1) }
  }
  return null
}

/**
 * 401 for /api/* without a live session, except health, login, the OpenAPI document and
 * /api/me (which answers `{ user: null }`, so a signed-out page load logs no failed request).
 * With `tokens` (the OGC API and the tiles) an API token in the Authorization header
 * authenticates a read (GET, HEAD) as its owner, looked up on every request (a revoked or
 * expired token is refused at once); it never authorises a state-changing request, and it
 * carries no cookie, so no CSRF token. Elsewhere an Authorization header is no credential.
 */
export function requireSession(knex: Knex, opts: GuardOptions = {}): RequestHandler {
  const refuse = (res: Response, detail?: string) => {
    if (opts.basicChallenge) res.set('WWW-Authenticate', 'Basic realm="Shuangbai Grid", charset="UTF-8"')
    throw new Unauthorized(detail)
  }
  return async (req, res, next) => {
    const authorization = req.get('authorization')
    if (opts.tokens && authorization) {
      const credentials = tokenCredentials(authorization)
      if (!SAFE_METHODS.has(req.method)) refuse(res, 'an API token authorises reads only (GET)')
      const found = credentials ? await tokenUser(knex, credentials.token, credentials.username) : null
      if (!found) refuse(res, 'API token unknown, revoked or expired (or not its user name): create one in Settings (POST /api/tokens)')
      res.locals.user = found!.user
      res.locals.tokenId = found!.tokenId
      return next()
    }
    const token = readCookie(req, SESSION_COOKIE)
    const session = token ? await liveSession(knex, token) : null
    const user = session?.user ?? null
    if (session) {
      res.locals.user = session.user
      res.locals.sessionId = session.sessionId
      res.locals.csrfToken = csrfToken(token!)
    }
    if (PUBLIC.has(req.baseUrl + req.path)) return next()
    if (!user) refuse(res, token ? 'session expired or signed out; sign in again' : undefined)
    next()
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence on every state-changing request: refused when the browser says it comes from
 * another site (Sec-Fetch-Site) or names another origin (Origin); and a request made with a
 * session cookie must carry the session's token in X-CSRF-Token (given by POST /api/login
 * and GET /api/me). Requests without a session cookie carry no ambient authority.
 */
export const csrfGuard: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next()
  const site = req.get('sec-fetch-site')
  if (site && site !== 'same-origin' && site !== 'none') throw new Forbidden(`cross-site request refused (Sec-Fetch-Site: ${site})`, 'Sec-Fetch-Site')
  const origin = req.get('origin')
  // An opaque origin ("null") is no URL: it never matches the host.
  if (origin && originHost(origin) !== req.get('host')) throw new Forbidden(`cross-origin request refused (Origin: ${origin.slice(0, 100)})`, 'Origin')
  const expected = res.locals.csrfToken as string | undefined
  if (expected && req.get(CSRF_HEADER) !== expected) {
    throw new Forbidden('missing or wrong X-CSRF-Token header: send the csrfToken of POST /api/login or GET /api/me', 'X-CSRF-Token')
  }
  next()
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

/** The public id of the request's session (a guarded route has one). */
export function currentSessionId(res: Response): string {
  const id = res.locals.sessionId as string | undefined
  if (!id) throw new Unauthorized()
  return id
}

/** The signed-in user of a guarded route. */
export function currentUser(res: Response): SessionUser {
  const user = res.locals.user as SessionUser | undefined
  if (!user) throw new Unauthorized()
  return user
}

/** The signed-in user, after checking that their role grants `permission`. */
export function userWith(res: Response, permission: Permission): SessionUser {
  const user = currentUser(res)
  if (!can(user.role, permission)) throw new Forbidden(`role ${user.role} may not ${permission.replace(':', ' ')}`)
  return user
}
