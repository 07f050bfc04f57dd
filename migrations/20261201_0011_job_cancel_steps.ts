import type { Knex } from 'knex'

/**
 * Durable, cancellable jobs: a `cancelled` state for jobs and plans, progress as a
 * structured step (`{ step, town?, done, total }`, server/contract/jobs.ts) instead of an
 * English message, and when the job started. `updated_at` doubles as the heartbeat of a
 * running job (a job whose worker stopped beating is failed after JOB_STALE_SEC).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table plans drop constraint plans_status_check')
  await knex.raw(`alter table plans add constraint plans_status_check check (status in ('computing', 'draft', 'failed', 'applied', 'discarded', 'cancelled'))`)
  await knex.raw('alter table jobs drop constraint jobs_state_check')
  await knex.raw(`alter table jobs add constraint jobs_state_check check (state in ('queued', 'running', 'done', 'failed', 'cancelled'))`)
  await knex.raw('alter table jobs add column step jsonb, add column started_at timestamptz, drop column message')
  await knex.raw(`create index jobs_active_idx on jobs (state, updated_at) where state in ('queued', 'running')`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists jobs_active_idx')
  await knex.raw(`update jobs set state = 'failed', error = coalesce(error, 'cancelled') where state = 'cancelled'`)
  await knex.raw(`update plans set status = 'failed', error = coalesce(error, 'cancelled') where status = 'cancelled'`)
  await knex.raw('alter table jobs drop column step, drop column started_at, add column message text')
  await knex.raw('alter table jobs drop constraint jobs_state_check')
  await knex.raw(`alter table jobs add constraint jobs_state_check check (state in ('queued', 'running', 'done', 'failed'))`)
  await knex.raw('alter table plans drop constraint plans_status_check')
  await knex.raw(`alter table plans add constraint plans_status_check check (status in ('computing', 'draft', 'failed', 'applied', 'discarded'))`)
}
