/**
 * Entry point of `npm run worker`: a process that only runs jobs (no HTTP), sharing the
 * PostgreSQL job queue with the servers. Start as many as the machines have cores for;
 * SIGINT/SIGTERM put the jobs it runs back in the queue for another worker.
 */
import { readConfig } from './config.js'
import { openDatabase } from './db/connection.js'
import { migrateLatest } from './db/migrate.js'
import { createJobQueue } from './services/job-queue.js'
import { configureSolverThreads } from '../solver/index.js'

const config = readConfig()
const log = (msg: string) => console.log(`[shuangbai worker] ${msg}`)
if (!config.databaseUrl) {
  console.error('npm run worker needs PostgreSQL (DATABASE_URL): the embedded database is opened by the server alone, which runs its jobs itself')
  process.exit(2)
}

const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
await migrateLatest(db.knex)
configureSolverThreads(config.solverThreads)
const jobs = createJobQueue(db, { ...config, workers: true }, log)
await jobs.start()
log(`running jobs from PostgreSQL: ${config.jobConcurrency} at a time, solver pool of ${config.solverThreads} threads`)

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  log(`${signal}: putting running jobs back in the queue and stopping`)
  await jobs.stop()
  await db.close()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
