/**
 * Jobs rows. Every write that reports on a job is guarded in SQL by the states it may
 * leave, so a late progress write (or a slow worker's result) can never overwrite a final
 * state (done, failed, cancelled) set meanwhile, by this process or another.
 */
import type { Knex } from 'knex'
import { JOB_ACTIVE_STATES, JOB_INTERRUPTED, type JobState, type JobStep } from '../contract/jobs.js'
import { SUPERVISOR_IN_SCOPE, under } from './scope.js'

/** What a job computes: a plan (staff, grids, supervisors) or a supervisor's visit plan. */
export type JobTarget = 'plan' | 'visitPlan'

export interface JobRow {
  id: string
  /** The id of the plan or visit plan it computes (`target` says which). */
  planId: string
  target: JobTarget
  state: JobState
  progress: number
  step: JobStep | null
  error: string | null
}

const parseStep = (v: unknown): JobStep | null => (typeof v === 'string' ? JSON.parse(v) : ((v as JobStep | null) ?? null))

export async function insertJob(knex: Knex, job: { id: string; planId: string; target?: JobTarget }): Promise<void> {
  const target = job.target === 'visitPlan' ? { visit_plan_id: job.planId } : { plan_id: job.planId }
  await knex('jobs').insert({ id: job.id, ...target, state: 'queued', progress: 0 })
}

/**
 * The job with this id whose plan lies within the scope, or whose visit plan's supervisor
 * the reader may see (based in or covering the scope; for a supervisor user, `ownSupervisorId`
 * alone), or null.
 */
export async function findJob(knex: Knex, id: string, scope: string, opts: { forUpdate?: boolean; ownSupervisorId?: string | null } = {}): Promise<JobRow | null> {
  const own = opts.ownSupervisorId ?? null
  const { rows } = await knex.raw(
    `select j.id, coalesce(j.plan_id, j.visit_plan_id) as "planId", case when j.plan_id is null then 'visitPlan' else 'plan' end as target,
            j.state, j.progress, j.step, j.error
       from jobs j
       left join plans p on p.id = j.plan_id
       left join visit_plans vp on vp.id = j.visit_plan_id
       left join supervisors v on v.id = vp.supervisor_id
      where j.id = ?
        and (p.within like ? or (v.id is not null and ${own !== null ? 'v.id = ?' : SUPERVISOR_IN_SCOPE}))
      ${opts.forUpdate ? 'for update of j' : ''}`,
    [id, under(scope), ...(own !== null ? [own] : [under(scope), under(scope)])],
  )
  const row = rows[0]
  return row ? { ...row, progress: Number(row.progress), step: parseStep(row.step) } : null
}

/** Takes a queued job for this worker (queued → running): what it computes, or null when it is no longer queued. */
export async function claimJob(knex: Knex, id: string): Promise<{ planId: string; target: JobTarget } | null> {
  const rows: Array<{ plan_id: string | null; visit_plan_id: string | null }> = await knex('jobs')
    .where({ id, state: 'queued' })
    .update({ state: 'running', progress: 0, step: JSON.stringify({ step: 'started', done: 0, total: 1 }), started_at: knex.fn.now(), updated_at: knex.fn.now() })
    .returning(['plan_id', 'visit_plan_id'])
  const row = rows[0]
  if (!row) return null
  return row.plan_id ? { planId: row.plan_id, target: 'plan' } : { planId: row.visit_plan_id!, target: 'visitPlan' }
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
    const rows: Array<{ id: string; plan_id: string | null; visit_plan_id: string | null }> = await q.clone().select('id', 'plan_id', 'visit_plan_id').forUpdate()
    if (!rows.length) return 0
    await trx('jobs').whereIn('id', rows.map((r) => r.id)).update({ state: 'failed', error, updated_at: trx.fn.now() })
    const ids = (key: 'plan_id' | 'visit_plan_id') => rows.map((r) => r[key]).filter((v): v is string => v !== null)
    await trx('plans').whereIn('id', ids('plan_id')).andWhere('status', 'computing').update({ status: 'failed', error })
    await trx('visit_plans').whereIn('id', ids('visit_plan_id')).andWhere('status', 'computing').update({ status: 'failed', error })
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
