/**
 * Background work (plan computations) in this process, one job at a time: solves use
 * both cores already, so running them side by side only makes each slower. A job's state
 * and progress live in the jobs table, so GET /api/jobs/:id answers from any request.
 */
import type { Knex } from 'knex'
import { updateJob } from '../repositories/plans.repository.js'

export type JobWork = (progress: (fraction: number, message: string) => void) => Promise<void>

export class JobQueue {
  private tail: Promise<void> = Promise.resolve()
  private running = 0

  constructor(private readonly knex: Knex) {}

  /** Queues the work of a job (its row already exists, state 'queued'). */
  enqueue(jobId: string, work: JobWork): Promise<void> {
    const run = async () => {
      this.running++
      let last = 0
      await updateJob(this.knex, jobId, { state: 'running', progress: 0, message: 'started' })
      const progress = (fraction: number, message: string) => {
        const now = Date.now()
        if (now - last < 300) return // at most ~3 writes a second
        last = now
        void updateJob(this.knex, jobId, { progress: Math.max(0, Math.min(0.99, fraction)), message }).catch(() => {})
      }
      try {
        await work(progress)
        await updateJob(this.knex, jobId, { state: 'done', progress: 1, message: 'done' })
      } catch (err) {
        await updateJob(this.knex, jobId, { state: 'failed', error: (err as Error).message.slice(0, 2000), message: 'failed' })
      } finally {
        this.running--
      }
    }
    const p = this.tail.then(run, run)
    this.tail = p
    return p
  }

  /** Resolves when every queued job has finished (for tests and shutdown). */
  async idle(): Promise<void> {
    let current
    do {
      current = this.tail
      await current
    } while (current !== this.tail)
  }
}
