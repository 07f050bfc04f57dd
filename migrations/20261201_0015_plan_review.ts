import type { Knex } from 'knex'

/**
 * The approval of plans (issue 10): a planner submits a draft with a note, a bureau user
 * approves it or returns it with a comment. `outdated` is not stored: it is computed from
 * the plan's county versions when the plan is read (server/services/plans.service.ts).
 */
const STORED = `'computing', 'draft', 'submitted', 'approved', 'returned', 'failed', 'applied', 'discarded', 'cancelled'`

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table plans drop constraint plans_status_check')
  await knex.raw(`alter table plans add constraint plans_status_check check (status in (${STORED}))`)
  await knex.raw(`alter table plans
    add column submitted_by text, add column submitted_at timestamptz, add column submit_note text,
    add column decided_by text, add column decided_at timestamptz,
    add column decision text check (decision in ('approved', 'returned')), add column decision_comment text`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`update plans set status = 'draft' where status in ('submitted', 'approved', 'returned')`)
  await knex.raw(`alter table plans drop column submitted_by, drop column submitted_at, drop column submit_note,
    drop column decided_by, drop column decided_at, drop column decision, drop column decision_comment`)
  await knex.raw('alter table plans drop constraint plans_status_check')
  await knex.raw(`alter table plans add constraint plans_status_check check (status in ('computing', 'draft', 'failed', 'applied', 'discarded', 'cancelled'))`)
}
