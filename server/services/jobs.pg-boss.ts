/**
 * The PostgreSQL job queue: pg-boss (its own schema `pgboss` in the same database) carries
 * the job ids, so a job queued by one process is run by whichever server or `npm run worker`
 * process fetches it first, and a queued job survives a restart. The jobs table stays the
 * truth about a job: `claimJob` lets exactly one worker run it, even if pg-boss hands it out
 * twice. A running job beats every second; a job whose worker died (no beat for
 * JOB_STALE_SEC) is failed by any live process, saying it was interrupted. A process that
 * stops cleanly puts its running jobs back in the queue for another worker.
 */
import type { Knex } from 'knex'
import PgBoss from 'pg-boss'
import { failStaleJobs, queuedJobIds } from '../repositories/jobs.repository.js'
import { JobRunner, type JobHandler, type JobQueue, type RunnerOptions } from './jobs.js'

/** The pg-boss queue of plan computations. */
export const PLAN_QUEUE = 'plan-compute'

export interface PgBossOptions extends RunnerOptions {
  connectionString: string
  /** Run workers in this process (WORKERS); false: only queue jobs (an API-only process). */
  runWorkers?: boolean
  /** Jobs this process runs at once (JOB_CONCURRENCY). */
  concurrency?: number
  /** A running job without a heartbeat for this long is failed (JOB_STALE_SEC). */
  staleSec?: number
  /** How often idle workers ask for a job (s; pg-boss allows ≥ 0.5). */
  pollingIntervalSeconds?: number
  /** pg-boss's schema (default pgboss). */
  schema?: string
}

export class PgBossJobQueue implements JobQueue {
  readonly kind = 'pg-boss' as const
  private readonly runner: JobRunner
  private boss: PgBoss | null = null
  private workerIds: string[] = []
  private sweeper: NodeJS.Timeout | undefined
  private readonly staleSec: number

  constructor(
    private readonly knex: Knex,
    handler: JobHandler,
    private readonly opts: PgBossOptions,
  ) {
    this.runner = new JobRunner(knex, handler, opts)
    this.staleSec = opts.staleSec ?? 60
  }

  async start(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.opts.connectionString,
      schema: this.opts.schema ?? 'pgboss',
      application_name: 'shuangbai-jobs',
      max: 4,
      schedule: false,
    })
    boss.on('error', (err: Error) => this.opts.log?.(`pg-boss: ${err.message}`))
    await boss.start()
    this.boss = boss
    // A plan's own time limit is at most 600 s; the job table, not pg-boss, decides on retries.
    await boss.createQueue(PLAN_QUEUE, { name: PLAN_QUEUE, retryLimit: 0, expireInSeconds: 3600 })
    await this.sweep()
    // Jobs queued while no pg-boss job carried them (e.g. before this queue existed): queue them again.
    // A duplicate is harmless: only one worker can claim a job.
    for (const id of await queuedJobIds(this.knex)) await boss.send(PLAN_QUEUE, { jobId: id })
    if (this.opts.runWorkers !== false) {
      const n = Math.max(1, this.opts.concurrency ?? 2)
      for (let i = 0; i < n; i++) {
        this.workerIds.push(
          await boss.work<{ jobId: string }>(PLAN_QUEUE, { batchSize: 1, pollingIntervalSeconds: this.opts.pollingIntervalSeconds ?? 2 }, async ([job]) => {
            await this.runner.run(job.data.jobId)
          }),
        )
      }
    }
    this.sweeper = setInterval(() => void this.sweep(), Math.max(1000, (this.staleSec * 1000) / 2))
    this.sweeper.unref()
  }

  /** Fails running jobs whose worker stopped beating (any live process may do it). */
  private async sweep(): Promise<void> {
    try {
      const n = await failStaleJobs(this.knex, this.staleSec)
      if (n) this.opts.log?.(`${n} job(s) without a heartbeat for ${this.staleSec} s marked failed`)
    } catch (err) {
      this.opts.log?.(`stale-job sweep failed: ${(err as Error).message}`)
    }
  }

  private get started(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not started')
    return this.boss
  }

  async enqueue(jobId: string): Promise<void> {
    const boss = this.started
    await boss.send(PLAN_QUEUE, { jobId })
    // Wake this process's idle workers rather than wait for their next poll.
    for (const id of this.workerIds) boss.notifyWorker(id)
  }

  cancelLocal(jobId: string): void {
    this.runner.cancel(jobId)
  }

  /** Resolves when the jobs table holds no queued or running job (whichever process runs them). */
  async idle(): Promise<void> {
    for (;;) {
      const [{ n }] = await this.knex('jobs').whereIn('state', ['queued', 'running']).count({ n: '*' })
      if (Number(n) === 0 && this.runner.active === 0) return
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper)
    const boss = this.boss
    if (!boss) return
    this.boss = null
    for (const id of this.workerIds) await boss.offWork({ id })
    this.workerIds = []
    // Interrupted jobs go back to 'queued'; send them again so another worker takes them.
    const mine = this.runner.active
    this.runner.interruptAll()
    while (this.runner.active) await new Promise((r) => setTimeout(r, 50))
    if (mine) for (const id of await queuedJobIds(this.knex)) await boss.send(PLAN_QUEUE, { jobId: id })
    await boss.stop({ graceful: true, wait: true, timeout: 5000 })
  }
}
