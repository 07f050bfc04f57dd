/**
 * Background work (plan computations) as jobs. A job's state, progress and outcome live in
 * the jobs table, so GET /api/jobs/:id answers from any request and any process. Two queues
 * share one interface: on PostgreSQL pg-boss (jobs.pg-boss.ts: durable, shared by every
 * server and `npm run worker` process), on the embedded database an in-process queue (here:
 * one process may open the database, so nothing else could take the work). Both run a job
 * through `JobRunner`: claim (queued → running, in SQL), heartbeat, progress, outcome, each
 * write guarded by the states it may leave.
 */
import { setMaxListeners } from 'node:events'
import type { Knex } from 'knex'
import type { JobStep } from '../contract/jobs.js'
import { claimJob, failInterruptedJobs, finishJob, heartbeat, reportProgress, requeueJob, type JobTarget } from '../repositories/jobs.repository.js'

export interface JobContext {
  /** Aborted when the job is cancelled (here or by another process) or its worker stops. */
  signal: AbortSignal
  /** Reports progress (0..1) and the step; throttled, and never written after the job ended. */
  progress(fraction: number, step: JobStep): void
}

/** Computes the job (its row says what: a plan, or a visit plan when `target` says so); throws to fail it. */
export type JobHandler = (job: { id: string; planId: string; target?: JobTarget }, ctx: JobContext) => Promise<void>

export interface JobQueue {
  readonly kind: 'in-process' | 'pg-boss'
  /** Recovers jobs a dead process left behind and starts the workers (if this process runs any). */
  start(): Promise<void>
  /** Queues a job whose row exists (state 'queued'). */
  enqueue(jobId: string): Promise<void>
  /** Stops the job if this process runs it now (the row is already marked cancelled). */
  cancelLocal(jobId: string): void
  /** Resolves when no job is queued or running (tests and shutdown). */
  idle(): Promise<void>
  /** Stops taking jobs; jobs running here are interrupted and put back in the queue. */
  stop(): Promise<void>
}

export interface RunnerOptions {
  /** How often a running job beats and checks whether it was cancelled elsewhere (ms). */
  heartbeatMs?: number
  /** Least time between two progress writes of a job (ms). */
  progressMs?: number
  log?: (message: string) => void
}

const SHUTDOWN = 'shutdown'

/** Runs claimed jobs of this process: heartbeat, progress, outcome, cancel. */
export class JobRunner {
  private readonly running = new Map<string, AbortController>()
  private readonly heartbeatMs: number
  private readonly progressMs: number

  constructor(
    private readonly knex: Knex,
    private readonly handler: JobHandler,
    private readonly opts: RunnerOptions = {},
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? 1000
    this.progressMs = opts.progressMs ?? 300
  }

  get active(): number {
    return this.running.size
  }

  /** Runs the job if it is still queued; resolves when it has ended (never rejects). */
  async run(jobId: string): Promise<void> {
    let claimed: Awaited<ReturnType<typeof claimJob>>
    try {
      claimed = await claimJob(this.knex, jobId)
    } catch (err) {
      // Still queued: the next start (embedded) or another send (PostgreSQL) takes it up.
      this.opts.log?.(`job ${jobId} could not be claimed: ${(err as Error).message}`)
      return
    }
    if (!claimed) return // cancelled, or taken by another worker
    const controller = new AbortController()
    setMaxListeners(0, controller.signal) // every solve of the job (e.g. one per town) listens
    this.running.set(jobId, controller)
    const beat = setInterval(() => {
      heartbeat(this.knex, jobId).then(
        (alive) => alive || controller.abort('cancelled'),
        () => undefined,
      )
    }, this.heartbeatMs)
    let last = 0
    let lastStep = ''
    let writes = Promise.resolve()
    const progress = (fraction: number, step: JobStep) => {
      const now = Date.now()
      if (controller.signal.aborted || (now - last < this.progressMs && step.step === lastStep)) return
      last = now
      lastStep = step.step
      const f = Math.max(0, Math.min(0.99, fraction))
      writes = writes.then(() => reportProgress(this.knex, jobId, f, step).then(() => undefined, () => undefined))
    }
    try {
      await this.handler({ id: jobId, ...claimed }, { signal: controller.signal, progress })
      await writes
      if (controller.signal.aborted) throw new Error(String(controller.signal.reason))
      await finishJob(this.knex, jobId, { state: 'done' })
    } catch (err) {
      await writes
      if (controller.signal.reason === SHUTDOWN) {
        // This process is stopping: another worker (or the next start) takes it up.
        await requeueJob(this.knex, jobId).catch(() => false)
      } else if (!controller.signal.aborted) {
        await finishJob(this.knex, jobId, { state: 'failed', error: (err as Error).message.slice(0, 2000) }).catch((e: Error) => this.opts.log?.(`job ${jobId}: ${e.message}`))
      }
      // Cancelled: the cancel wrote the final state already.
    } finally {
      clearInterval(beat)
      this.running.delete(jobId)
    }
  }

  /** Aborts the job if it runs here. */
  cancel(jobId: string): void {
    this.running.get(jobId)?.abort('cancelled')
  }

  /** Interrupts every job running here (they are put back in the queue). */
  interruptAll(): void {
    for (const c of this.running.values()) c.abort(SHUTDOWN)
  }
}

export interface InProcessOptions extends RunnerOptions {
  /** Jobs run at once (JOB_CONCURRENCY); their solves share the solver pool. */
  concurrency?: number
}

/** The embedded database's queue: jobs of this process, `concurrency` at a time. */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const
  private readonly runner: JobRunner
  private readonly pending: string[] = []
  private active = 0
  private stopped = false
  private waiters: Array<() => void> = []
  private readonly concurrency: number

  constructor(
    private readonly knex: Knex,
    handler: JobHandler,
    opts: InProcessOptions = {},
  ) {
    this.runner = new JobRunner(knex, handler, opts)
    this.concurrency = Math.max(1, opts.concurrency ?? 2)
  }

  /** Jobs left queued or running by a previous process cannot be resumed: they are failed, saying why. */
  async start(): Promise<void> {
    await failInterruptedJobs(this.knex)
  }

  async enqueue(jobId: string): Promise<void> {
    if (this.stopped) throw new Error('the job queue is stopped')
    this.pending.push(jobId)
    this.pump()
  }

  private pump(): void {
    while (!this.stopped && this.active < this.concurrency && this.pending.length) {
      const id = this.pending.shift()!
      this.active++
      void this.runner.run(id).finally(() => {
        this.active--
        this.pump()
        if (!this.active && !this.pending.length) this.waiters.splice(0).forEach((w) => w())
      })
    }
  }

  cancelLocal(jobId: string): void {
    const i = this.pending.indexOf(jobId)
    if (i >= 0) this.pending.splice(i, 1)
    this.runner.cancel(jobId)
    if (!this.active && !this.pending.length) this.waiters.splice(0).forEach((w) => w())
  }

  idle(): Promise<void> {
    if (!this.active && !this.pending.length) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.pending.length = 0
    this.runner.interruptAll()
    if (this.active) await new Promise<void>((resolve) => this.waiters.push(resolve))
  }
}
