/** Entry point of `npm start`: open the database, migrate, seed the demo if empty, serve. */
import { createApp } from './app.js'
import { problemOnClientError } from './http/client-errors.js'
import { readConfig } from './config.js'
import { openDatabase } from './db/connection.js'
import { migrateLatest } from './db/migrate.js'
import { analyzeNetwork } from './repositories/dataset.repository.js'
import { hasDivisions } from './repositories/meta.repository.js'
import { seedDemo, seedDemoUsers, seedDemoVisitHistory } from './services/seed.service.js'
import { pruneAuthState } from './services/auth.service.js'
import { createJobQueue } from './services/job-queue.js'
import { configureSolverThreads } from '../solver/index.js'

const config = readConfig()
const started = performance.now()
const log = (msg: string) => console.log(`[shuangbai] ${msg}`)

log(config.databaseUrl ? 'database: PostgreSQL (DATABASE_URL)' : `database: embedded PGlite in ${config.dataDir}`)
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
const applied = await migrateLatest(db.knex)
if (applied.length) log(`migrations applied: ${applied.join(', ')}`)

if (config.seedDemo && !(await hasDivisions(db.knex))) {
  log(`empty database: seeding the synthetic demo of city ${config.demoCity} (set SEED_DEMO=0 to start empty)`)
  const report = await seedDemo(db.knex, { city: config.demoCity })
  log(`seeded ${JSON.stringify(report.counts)} in ${report.generateMs + report.insertMs} ms`)
  const users = await seedDemoUsers(db.knex, config.demoCity)
  if (users.length) log(`demo users (passwords in README.md): ${users.join(', ')}`)
  const history = await seedDemoVisitHistory(db.knex, config.demoCity)
  log(`supervision history: ${history.plans} published visit plans, ${history.visits} visits (${history.done} done, ${history.missed} missed, ${history.planned} to record)`)
}

// PGlite runs no autovacuum: refresh the planner's statistics (data may have changed since).
if (db.kind === 'embedded') await analyzeNetwork(db.knex)

// Sessions expire after 12 h and failure counts after their window: delete them, so the
// tables do not grow without bound.
const prune = () => pruneAuthState(db.knex).catch((err: Error) => log(`pruning sessions failed: ${err.message}`))
await prune()
setInterval(() => void prune(), 10 * 60 * 1000).unref()

configureSolverThreads(config.solverThreads)
const jobs = createJobQueue(db, config, log)
await jobs.start()
log(`jobs: ${jobs.kind === 'pg-boss' ? 'pg-boss (PostgreSQL)' : 'in-process'}, ${config.workers ? `${config.jobConcurrency} at a time in this process` : 'no workers here (WORKERS=0; run npm run worker)'}, solver pool of ${config.solverThreads} threads`)

const app = createApp(db, { trustProxy: config.trustProxy, extraOrigins: config.basemapOrigins, jobs, tileEncoder: config.tileEncoder })
const server = app.listen(config.port, () => {
  log(`ready in ${Math.round(performance.now() - started)} ms: http://localhost:${config.port}`)
})
problemOnClientError(server)

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  log(`${signal}: closing`)
  server.close()
  await jobs.stop()
  await db.close()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
