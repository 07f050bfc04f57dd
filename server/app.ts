/** The Express application: JSON API under /api, the built web UI at /. */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { type Express } from 'express'
import type { Database } from './db/connection.js'
import { errorHandler, notFoundHandler } from './http/problem.js'
import { openApiDocument } from './openapi.js'
import { requireSession } from './http/session.js'
import { authRoutes } from './routes/auth.js'
import { coverageRoutes } from './routes/coverage.js'
import { editRoutes } from './routes/edits.js'
import { planRoutes } from './routes/plans.js'
import { CoverageCache } from './services/coverage.cache.js'
import { JobQueue } from './services/jobs.js'
import { divisionRoutes } from './routes/divisions.js'
import { healthRoutes } from './routes/health.js'
import { networkRoutes } from './routes/network.js'
import { ruleRoutes } from './routes/rules.js'

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist')

/** Builds the app on an open, migrated database. Its job queue is `app.locals.jobs`. */
export function createApp(db: Database, opts: { serveWeb?: boolean; jobs?: JobQueue } = {}): Express {
  const app = express()
  const jobs = opts.jobs ?? new JobQueue(db.knex)
  app.locals.jobs = jobs
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  app.use('/api', express.json({ limit: '1mb' }))

  const openapi = openApiDocument()
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi)
  })
  app.use(healthRoutes(db))
  app.use('/api', requireSession(db.knex))
  app.use(authRoutes(db.knex))
  app.use(divisionRoutes(db.knex))
  app.use(networkRoutes(db.knex))
  app.use(ruleRoutes(db.knex))
  app.use(coverageRoutes(db.knex, new CoverageCache()))
  app.use(planRoutes(db.knex, jobs))
  app.use(editRoutes(db.knex))
  app.use('/api', notFoundHandler)

  if (opts.serveWeb !== false && fs.existsSync(path.join(webDist, 'index.html'))) {
    app.use(express.static(webDist, { index: 'index.html', maxAge: '1h' }))
    // Client-side routes fall back to the app shell.
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(webDist, 'index.html')))
  }
  app.use(errorHandler)
  return app
}
