/** The Express application: JSON API under /api, the built web UI at /. */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { type Express } from 'express'
import { UNREAD_BODY } from './http/validate.js'
import type { Database } from './db/connection.js'
import { errorHandler, notFoundHandler } from './http/problem.js'
import { openApiDocument } from './contract/openapi.js'
import { csrfGuard, requireSession } from './http/session.js'
import { noStore, securityHeaders } from './http/security.js'
import type { ThrottlePolicy } from './repositories/users.repository.js'
import { auditRoutes } from './routes/audit.js'
import { authRoutes } from './routes/auth.js'
import { coverageRoutes } from './routes/coverage.js'
import { editRoutes } from './routes/edits.js'
import { planRoutes } from './routes/plans.js'
import { VersionedCache } from './services/versioned.cache.js'
import { InProcessJobQueue, type JobQueue } from './services/jobs.js'
import { planJobHandler } from './services/plans.service.js'
import { divisionRoutes } from './routes/divisions.js'
import { healthRoutes } from './routes/health.js'
import { networkRoutes } from './routes/network.js'
import { ruleRoutes } from './routes/rules.js'
import { tileRoutes } from './routes/tiles.js'
import { tokenRoutes } from './routes/tokens.js'
import { ogcRoutes } from './routes/ogc.js'
import type { TileEncoder } from './services/tiles.service.js'
import { calendarRoutes } from './routes/calendar.js'
import { calendarFeedRoutes, visitRoutes } from './routes/visits.js'
import { complianceRoutes } from './routes/compliance.js'

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist')

export interface AppOptions {
  serveWeb?: boolean
  jobs?: JobQueue
  /** Express `trust proxy`: which proxies' X-Forwarded-* headers count (README "Configuration"). */
  trustProxy?: boolean | number | string
  /** Origins besides the app's own that pages may load images and data from (a basemap). */
  extraOrigins?: string[]
  /** Failed sign-ins per client address before it is locked (tests lower or raise it). */
  clientThrottle?: ThrottlePolicy
  /** Failed sign-ins per account before it is locked, and the first lock (tests lengthen it). */
  accountThrottle?: ThrottlePolicy
  /** Who encodes vector tiles: `postgis` (ST_AsMVT; the default on PostgreSQL) or `js` (the only one on the embedded database). */
  tileEncoder?: TileEncoder
}

/**
 * Builds the app on an open, migrated database. Its job queue is `app.locals.jobs` (by
 * default an in-process queue, not started: server/main.ts passes the configured one).
 */
export function createApp(db: Database, opts: AppOptions = {}): Express {
  const app = express()
  const jobs = opts.jobs ?? new InProcessJobQueue(db.knex, planJobHandler(db.knex))
  app.locals.jobs = jobs
  app.disable('x-powered-by')
  // Behind a TLS proxy req.secure (and so the Secure cookie flag) and req.ip follow its headers.
  app.set('trust proxy', opts.trustProxy ?? 'loopback')
  app.set('query parser', 'simple')
  app.use(securityHeaders({ indexHtml: path.join(webDist, 'index.html'), extraOrigins: opts.extraOrigins ?? [] }))
  app.use('/api', noStore)
  // JSON bodies of state-changing requests; a GET's body means nothing (RFC 9110) and is not read.
  // A body in another media type is not read as an empty one (a form-encoded `{note: …}` would
  // pass as "no fields"): it is marked, and the route's body parsing answers 415.
  const json = express.json({ limit: '1mb' })
  app.use('/api', (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next()
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
    if (hasBody && !req.is('application/json')) {
      req.body = UNREAD_BODY
      return next()
    }
    json(req, res, next)
  })

  const openapi = openApiDocument()
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi)
  })
  app.use(healthRoutes(db))
  // Calendar subscriptions: the secret token in the URL is the credential (no session, no CSRF: GET only).
  app.use(calendarFeedRoutes(db.knex))
  app.use('/ics', notFoundHandler)
  app.use('/api', requireSession(db.knex))
  app.use('/api', csrfGuard)
  app.use(authRoutes(db.knex, { clientThrottle: opts.clientThrottle, accountThrottle: opts.accountThrottle }))
  // One bounded cache of answers derived from the network, keyed by the data version.
  const cache = new VersionedCache()
  app.use(divisionRoutes(db.knex, cache))
  app.use(networkRoutes(db.knex))
  app.use(ruleRoutes(db.knex))
  app.use(calendarRoutes(db.knex))
  app.use(coverageRoutes(db.knex, cache))
  app.use(planRoutes(db.knex, jobs))
  app.use(visitRoutes(db.knex, jobs))
  app.use(editRoutes(db.knex))
  app.use(auditRoutes(db.knex))
  app.use(tokenRoutes(db.knex))
  app.use(complianceRoutes(db.knex))
  app.use('/api', notFoundHandler)
  // Tiles and the OGC API: the same guard, which there also takes API tokens (reads only).
  app.use('/tiles', requireSession(db.knex, { tokens: true }))
  app.use(tileRoutes(db.knex, tileEncoderFor(db, opts.tileEncoder)))
  app.use('/tiles', notFoundHandler)
  app.use('/ogc', noStore)
  app.use('/ogc', requireSession(db.knex, { tokens: true, basicChallenge: true }))
  app.use(ogcRoutes(db.knex, cache))
  app.use('/ogc', notFoundHandler)

  if (opts.serveWeb !== false && fs.existsSync(path.join(webDist, 'index.html'))) {
    app.use(express.static(webDist, { index: 'index.html', maxAge: '1h' }))
    // Client-side routes fall back to the app shell.
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(webDist, 'index.html')))
  }
  app.use(errorHandler)
  return app
}

/** The configured tile encoder, checked against the database: the embedded one has no ST_AsMVT. */
function tileEncoderFor(db: Database, wanted: TileEncoder | undefined): TileEncoder {
  if (wanted === 'postgis' && db.kind === 'embedded') throw new Error('TILE_ENCODER=postgis needs PostgreSQL: the embedded database has no ST_AsMVT (built without protobuf-c)')
  return wanted ?? (db.kind === 'postgres' ? 'postgis' : 'js')
}
