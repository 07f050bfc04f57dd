/** The job queue a process uses: pg-boss on PostgreSQL, the in-process queue on the embedded database. */
import type { AppConfig } from '../config.js'
import type { Database } from '../db/connection.js'
import { InProcessJobQueue, type JobQueue } from './jobs.js'
import { PgBossJobQueue } from './jobs.pg-boss.js'
import { planJobHandler } from './plans.service.js'

export type JobQueueConfig = Pick<AppConfig, 'databaseUrl' | 'workers' | 'jobConcurrency' | 'jobStaleSec'>

/** A queue for this database (call `start()` before serving). */
export function createJobQueue(db: Database, config: JobQueueConfig, log?: (message: string) => void): JobQueue {
  const handler = planJobHandler(db.knex)
  if (db.kind === 'postgres' && config.databaseUrl) {
    return new PgBossJobQueue(db.knex, handler, {
      connectionString: config.databaseUrl,
      runWorkers: config.workers,
      concurrency: config.jobConcurrency,
      staleSec: config.jobStaleSec,
      log,
    })
  }
  // One process alone opens the embedded database: no other could run its jobs.
  if (!config.workers) throw new Error('WORKERS=0 needs PostgreSQL (DATABASE_URL): on the embedded database only the server process can run jobs')
  return new InProcessJobQueue(db.knex, handler, { concurrency: config.jobConcurrency, log })
}
