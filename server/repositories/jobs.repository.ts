/**
 * Jobs rows. Every write that reports on a job is guarded in SQL by the states it may
 * leave, so a late progress write (or a slow worker's result) can never overwrite a final
 * state (done, failed, cancelled) set meanwhile, by this process or another.
 */
import type { Knex } from 'knex'
import { JOB_ACTIVE_STATES, JOB_INTERRUPTED, type JobState, type JobStep } from '../contract/jobs.js'
import { under } from './scope.js'

export interface JobRow {
  id: string
  planId: string
  state: JobState
  progress: number
  step: JobStep | null
  error: string | null
}

const parseStep = (v: unknown): JobStep | null => (typeof v === 'string' ? JSON.parse(v) : ((v as JobStep | null) ?? null))

export async function insertJob(knex: Knex, job: { id: string; planId: string }): Promise<void> {
  await knex('jobs').insert({ id: job.id, plan_id: job.planId, state: 'queued', progress: 0 })
}

/** The job with this id whose plan lies within the scope, or null. */
export async function findJob(knex: Knex, id: string, scope: string, opts: { forUpdate?: boolean } = {}): Promise<JobRow | null> {
  const q = knex('jobs as j')
    .join('plans as p', 'p.id', 'j.plan_id')
    .select('j.id', 'j.plan_id as planId', 'j.state', 'j.progress', 'j.step', 'j.error')
    .where('j.id', id)
    .andWhereLike('p.within', under(scope))
  if (opts.forUpdate) q.forUpdate()
  const row = await q.first()
  return row ? { ...row, progress: Number(row.progress), step: parseStep(row.step) } : null
}

/** Takes a queued job for this worker (queued → running): its plan's id, or null when it is no longer queued. */
export async function claimJob(knex: Knex, id: string): Promise<string | null> {
  const rows: Array<{ plan_id: string }> = await knex('jobs')
    .where({ id, state: 'queued' })
    .update({ state: 'running', progress: 0, step: JSON.stringify({ step: 'started', done: 0, total: 1 }), started_at: knex.fn.now(), updated_at: knex.fn.now() })
    .returning('plan_id')
  return rows[0]?.plan_id ?? null
}

/** Records progress of a job still queued or running; false (nothing written) otherwise. */
export async function reportProgress(knex: Knex, id: string, progress: number, step: JobStep): Promise<boolean> {
  const n = await knex('jobs')
    .where({ id })
    .whereIn('state', JOB_ACTIVE_STATES)
    .update({ progress, step: JSON.stringify(step), updated_at: knex.fn.now() })
  return n === 1
}

/** The heartbeat of a running job; false when it is no longer running (cancelled, or failed as stale). */
export async function heartbeat(knex: Knex, id: string): Promise<boolean> {
  const n = await knex('jobs').where({ id, state: 'running' }).update({ updated_at: knex.fn.now() })
  return n === 1
}

/** Ends a running job (done or failed); false when it had already ended (e.g. cancelled). */
export async function finishJob(knex: Knex, id: string, outcome: { state: 'done' } | { state: 'failed'; error: string }): Promise<boolean> {
  const n = await knex('jobs')
    .where({ id })
    .whereIn('state', JOB_ACTIVE_STATES)
    .update({ ...outcome, ...(outcome.state === 'done' ? { progress: 1 } : {}), updated_at: knex.fn.now() })
  return n === 1
}

/** Marks a queued or running job cancelled; false when it had already ended. */
export async function markJobCancelled(knex: Knex, id: string): Promise<boolean> {
  const n = await knex('jobs').where({ id }).whereIn('state', JOB_ACTIVE_STATES).update({ state: 'cancelled', updated_at: knex.fn.now() })
  return n === 1
}

/** Puts a running job back in the queue (its worker is shutting down); false when it is no longer running. */
export async function requeueJob(knex: Knex, id: string): Promise<boolean> {
  const n = await knex('jobs').where({ id, state: 'running' }).update({ state: 'queued', progress: 0, step: null, updated_at: knex.fn.now() })
  return n === 1
}

/** Ids of the queued jobs, oldest first. */
export async function queuedJobIds(knex: Knex): Promise<string[]> {
  return (await knex('jobs').select('id').where({ state: 'queued' }).orderBy('created_at')).map((r) => r.id)
}

/**
 * Fails the jobs (and their computing plans) that `where` selects among the active ones:
 * at start-up on the embedded database every active job (its process is gone), on
 * PostgreSQL the running jobs whose heartbeat is older than `staleSec`.
 */
async function failJobs(knex: Knex, which: { staleSec?: number }, error = JOB_INTERRUPTED): Promise<number> {
  return knex.transaction(async (trx) => {
    const q = trx('jobs').whereIn('state', JOB_ACTIVE_STATES)
    if (which.staleSec !== undefined) q.where('state', 'running').andWhere('updated_at', '<', trx.raw(`now() - make_interval(secs => ?)`, [which.staleSec]))
    const rows: Array<{ id: string; plan_id: string }> = await q.clone().select('id', 'plan_id').forUpdate()
    if (!rows.length) return 0
    await trx('jobs').whereIn('id', rows.map((r) => r.id)).update({ state: 'failed', error, updated_at: trx.fn.now() })
    await trx('plans').whereIn('id', rows.map((r) => r.plan_id)).andWhere('status', 'computing').update({ status: 'failed', error })
    return rows.length
  })
}

/** Marks every job left queued or running by a previous process as failed (embedded start-up). */
export function failInterruptedJobs(knex: Knex): Promise<number> {
  return failJobs(knex, {})
}

/** Fails running jobs without a heartbeat for `staleSec` (their worker process died). */
export function failStaleJobs(knex: Knex, staleSec: number): Promise<number> {
  return failJobs(knex, { staleSec })
}
