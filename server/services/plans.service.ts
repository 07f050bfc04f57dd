/**
 * The planning workflow: create a plan (a job computes it), review its diff and coverage
 * before/after, apply it atomically (409 when the network in scope changed since it was
 * computed), discard it, list the history, and revert an applied plan.
 */
import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { levelName } from '../../geodata/codes.js'
import type { SessionUser } from '../auth/roles.js'
import { PLAN_DEFAULTS } from '../contract/defaults.js'
import { OPEN_PLAN_STATUSES, type PlanStatus } from '../contract/job-states.js'
import { PLAN_KINDS, type PlanKindName } from '../contract/requests.js'
import { BadRequest, Conflict, HttpError, NotFound, type LocalText } from '../errors.js'
import { audit } from '../repositories/audit.repository.js'
import { networkFingerprint } from '../repositories/fingerprint.repository.js'
import * as plans from '../repositories/plans.repository.js'
import type { PlanRow } from '../repositories/plans.repository.js'
import { findJob, insertJob, markJobCancelled } from '../repositories/jobs.repository.js'
import { countyVersions, dataVersion, lockCounties } from '../repositories/meta.repository.js'
import { coverageSummary } from './coverage.service.js'
import { requireDivision, scopeNote, scopeNoteZh } from './divisions.service.js'
import type { JobContext, JobHandler, JobQueue } from './jobs.js'
import { gridsPlan } from './plans/grids.plan.js'
import { staffBudgetBounds, staffPlan } from './plans/staff.plan.js'
import { supervisorsPlan } from './plans/supervisors.plan.js'
import { PlanInfeasible, type PlanStrategy, type PlanParams } from './plans/types.js'
import { cancelComputingVisitPlan } from '../repositories/visit-plans.repository.js'
import { computeVisitPlanJob } from './visit-plans.service.js'
import { viewerOf } from './visits.service.js'

const KINDS: Record<string, PlanStrategy<unknown>> = {
  staff: staffPlan as PlanStrategy<unknown>,
  supervisors: supervisorsPlan as PlanStrategy<unknown>,
  grids: gridsPlan as PlanStrategy<unknown>,
}


function kindOf(kind: string): PlanStrategy<unknown> {
  const k = KINDS[kind]
  if (!k) throw new BadRequest(`unknown plan kind "${kind}"; use ${PLAN_KINDS.join(', ')}`, 'kind', { zh: `未知的规划类型“${kind}”` })
  return k
}

/** The coverage summary as the network stands (optionally inside a transaction). */
function coverageNow(knex: Knex, within: string, params: PlanParams) {
  return coverageSummary(knex, within, { distanceKm: params.distanceKm, overloadFactor: params.overloadFactor, weights: params.weights })
}

class Rollback extends Error {}

/** The coverage summary if `state` were written: computed inside a transaction that is rolled back. */
async function coverageIf(knex: Knex, kind: PlanStrategy<unknown>, within: string, params: PlanParams, state: unknown) {
  let after: Awaited<ReturnType<typeof coverageSummary>> | undefined
  await knex
    .transaction(async (trx) => {
      await lockCounties(trx, within)
      await kind.writeState(trx, within, state)
      after = await coverageNow(trx, within, params)
      throw new Rollback()
    })
    .catch((err) => {
      if (!(err instanceof Rollback)) throw err
    })
  return after!
}

/** The budgets a county's staff plan accepts (GET /api/plans/staff/bounds); 404 outside the scope. */
export async function staffBounds(knex: Knex, user: SessionUser, within: string) {
  await requireDivision(knex, within, user.scope)
  return { within, ...(await staffBudgetBounds(knex, within)) }
}

/** Creates a plan and queues the job that computes it. */
export async function createPlan(
  knex: Knex,
  jobs: JobQueue,
  user: SessionUser,
  input: { kind: PlanKindName; within: string; params: PlanParams },
): Promise<{ id: string; jobId: string }> {
  const kind = kindOf(input.kind)
  const division = await requireDivision(knex, input.within, user.scope)
  if (!kind.scopes.includes(division.level)) {
    throw new BadRequest(
      `within must be a ${kind.scopes.map((l) => levelName(l)).join(' or a ')} for ${input.kind} plans; ${input.within} is a ${levelName(division.level)}`,
      'within',
      { zh: `该类规划须按${kind.scopes.map((l) => levelName(l, 'zh')).join('或')}编制；${input.within} 是${levelName(division.level, 'zh')}` },
    )
  }
  await kind.validate?.(input.params, input.within, knex)
  const id = randomUUID()
  const jobId = randomUUID()
  await plans.insertPlan(knex, { id, kind: input.kind, within: input.within, status: 'computing', params: input.params as Record<string, unknown>, createdBy: user.username })
  await insertJob(knex, { id: jobId, planId: id })
  await jobs.enqueue(jobId)
  return { id, jobId }
}

/** What a job worker runs: computes the job's plan from its row (any process can). */
export function planJobHandler(knex: Knex): JobHandler {
  return async (job, ctx) => {
    if (job.target === 'visitPlan') return computeVisitPlanJob(knex, job.planId, ctx)
    const plan = await plans.findPlan(knex, job.planId, '')
    if (!plan) throw new Error(`plan ${job.planId} of job ${job.id} does not exist`)
    if (plan.status !== 'computing') return // cancelled before it started
    const params = plan.params as PlanParams
    // The plan records the parameters as chosen; the solve gets the kind's default time limit too.
    const solveParams = { ...params, timeLimitSec: params.timeLimitSec ?? PLAN_DEFAULTS.timeLimitSec[plan.kind] }
    await computePlan(knex, plan.id, kindOf(plan.kind), plan.within, solveParams, ctx)
  }
}

async function computePlan(knex: Knex, id: string, kind: PlanStrategy<unknown>, within: string, params: PlanParams, ctx: JobContext) {
  const { progress, signal } = ctx
  try {
    // Versions first: a change during the solve makes the plan stale, never silently applied.
    const versions = await countyVersions(knex, within)
    const version = await dataVersion(knex, within)
    const inputTables = await networkFingerprint(knex, within)
    const before = await kind.readState(knex, within)
    const coverageBefore = await coverageNow(knex, within, params)
    const computed = await kind.compute(knex, within, params, ctx)
    signal.throwIfAborted()
    progress(0.95, { step: 'comparing', done: 0, total: 1 })
    const diff = await kind.diff(knex, within, before, computed.target, computed.result)
    const coverageAfter = await coverageIf(knex, kind, within, params, computed.target)
    signal.throwIfAborted()
    // Only a plan still computing takes the result: a cancel meanwhile wins.
    await plans.finishComputing(knex, id, {
      status: 'draft',
      inputTables,
      dataVersion: version,
      countyVersions: versions,
      result: computed.result,
      diff,
      coverage: { before: coverageBefore, after: coverageAfter },
      targetState: computed.target,
    })
  } catch (err) {
    // Cancelled: the cancel wrote the plan's state; stopped for a shutdown: it stays computing for the next worker.
    if (signal.aborted) throw err
    // The reason in both languages, where the error has it, as the plan's explanation (the UI shows it in its language).
    const text = err instanceof HttpError ? (err.extra.text as LocalText | undefined) : undefined
    const result =
      err instanceof PlanInfeasible
        ? { ...err.result, status: 'infeasible', explanations: err.explanations }
        : text
          ? { status: 'failed', objective: null, verified: false, explanations: [{ message: text }] }
          : null
    await plans.finishComputing(knex, id, { status: 'failed', error: (err as Error).message.slice(0, 4000), result })
    throw err
  }
}

/** A plan the user may see; 404 otherwise. */
export async function getPlan(knex: Knex, user: SessionUser, id: string): Promise<PlanRow> {
  const plan = await plans.findPlan(knex, id, user.scope)
  if (!plan) throw new NotFound(`plan ${id} does not exist${scopeNote(user.scope)}`, `方案 ${id} 不存在${scopeNoteZh(user.scope)}`)
  return plan
}

/** A job the user may see: its plan in scope, or its visit plan's supervisor visible (a supervisor user: its own). */
export async function getJob(knex: Knex, user: SessionUser, id: string) {
  const job = await findJob(knex, id, user.scope, { ownSupervisorId: viewerOf(user).ownSupervisorId })
  if (!job) throw new NotFound(`job ${id} does not exist${scopeNote(user.scope)}`)
  return job
}

/**
 * Cancels a queued or running job and leaves its plan `cancelled` (one transaction, with an
 * audit record), then stops its solve if this process runs it; a worker in another process
 * sees the state at its next heartbeat (≤ 1 s). 409 when the job has already finished.
 */
export async function cancelJob(knex: Knex, jobs: JobQueue, user: SessionUser, id: string) {
  await knex.transaction(async (trx) => {
    const job = await findJob(trx, id, user.scope, { forUpdate: true, ownSupervisorId: viewerOf(user).ownSupervisorId })
    if (!job) throw new NotFound(`job ${id} does not exist${scopeNote(user.scope)}`)
    if (job.target === 'visitPlan') {
      if (!(await markJobCancelled(trx, id)) || !(await cancelComputingVisitPlan(trx, job.planId))) {
        throw new Conflict(`job ${id} is ${job.state}; only a queued or running job can be cancelled`, { jobState: job.state })
      }
      await audit(trx, { actor: user.username, action: 'visit_plan.cancel', entity: 'visit_plan', entityId: job.planId, details: { jobId: id } })
      return
    }
    const plan = await plans.findPlan(trx, job.planId, user.scope, { forUpdate: true })
    if (!(await markJobCancelled(trx, id)) || plan?.status !== 'computing') {
      throw new Conflict(`job ${id} is ${job.state}; only a queued or running job can be cancelled`, { jobState: job.state })
    }
    await plans.updatePlan(trx, job.planId, { status: 'cancelled' })
    await audit(trx, { actor: user.username, action: 'plan.cancel', entity: 'plan', entityId: job.planId, scope: plan.within, details: { jobId: id } })
  })
  jobs.cancelLocal(id)
  return getJob(knex, user, id)
}

/** A job as the API shows it. */
export function jobView(job: Awaited<ReturnType<typeof getJob>>) {
  return { state: job.state, progress: job.progress, planId: job.planId, step: job.step, ...(job.error ? { error: job.error } : {}) }
}

export async function listPlans(knex: Knex, user: SessionUser, within: string) {
  await requireDivision(knex, within, user.scope)
  const [rows, current] = await Promise.all([plans.listPlans(knex, within), countyVersions(knex, within)])
  return rows.map((p) => ({ ...p, status: displayStatus(p, current) }))
}

const isOpen = (status: string) => (OPEN_PLAN_STATUSES as readonly string[]).includes(status)

/**
 * What a plan's status reads as: an open plan whose counties changed since it was computed
 * is `outdated` (it can only be discarded, or computed anew).
 */
function displayStatus(plan: Pick<PlanRow, 'status' | 'countyVersions'>, current: Record<string, number>): PlanStatus {
  if (!isOpen(plan.status)) return plan.status
  const recorded = plan.countyVersions
  const changed = !recorded || Object.entries(recorded).some(([county, version]) => current[county] !== version)
  return changed ? 'outdated' : plan.status
}

/** The plan as the API shows it: without the raw states, with its status read against today's data. */
export async function planView(knex: Knex, plan: PlanRow) {
  const { targetState: _t, beforeState: _b, inputTables: _i, countyVersions: _c, ...view } = plan
  return { ...view, status: displayStatus(plan, isOpen(plan.status) ? await countyVersions(knex, plan.within) : {}) }
}

/** The statuses and actions in Chinese, for the `text` of a refusal (the UI's own names: web/src/lib/messages.ts plan.status.*). */
const STATUS_ZH: Record<string, string> = {
  computing: '计算中',
  draft: '草稿',
  submitted: '待审批',
  approved: '已批准',
  returned: '已退回',
  outdated: '已过时',
  failed: '失败',
  applied: '已实施',
  discarded: '已放弃',
  cancelled: '已取消',
}
const ACTION_ZH: Record<string, string> = { submitted: '提交', approved: '批准', returned: '退回', applied: '实施', discarded: '放弃', reverted: '撤销' }

/** A plan's state names the refusal in words a planner reads (already applied, outdated, ...). */
function refuse(plan: PlanRow, action: string, allowed: readonly string[]): never {
  const id = plan.id
  if (plan.status === 'applied') {
    throw new Conflict(
      `plan ${id} has already been applied (by ${plan.appliedBy} at ${plan.appliedAt})`,
      { planStatus: 'applied', appliedBy: plan.appliedBy, appliedAt: plan.appliedAt },
      `方案已由 ${plan.appliedBy} 于 ${plan.appliedAt} 实施过`,
    )
  }
  const zhStatus = STATUS_ZH[plan.status] ?? plan.status
  throw new Conflict(
    `plan ${id} is ${plan.status}; only a ${allowed.join(' or ')} plan can be ${action}`,
    { planStatus: plan.status },
    `方案当前为“${zhStatus}”，只有${allowed.map((a) => `“${STATUS_ZH[a] ?? a}”`).join('或')}的方案可以${ACTION_ZH[action] ?? action}`,
  )
}

/**
 * One approval step on a plan, in a transaction: checks its state (and that its counties are
 * unchanged where `fresh`), writes the new status and review fields, and audits it.
 */
async function reviewStep(
  knex: Knex,
  user: SessionUser,
  id: string,
  step: { action: 'submit' | 'approve' | 'return'; from: readonly string[]; to: PlanRow['status']; fresh: boolean; review: (plan: PlanRow, now: string) => Partial<NonNullable<PlanRow['review']>>; check?: (plan: PlanRow) => void },
): Promise<PlanRow> {
  await knex.transaction(async (trx) => {
    const scoped = await plans.findPlan(trx, id, user.scope)
    if (!scoped) throw new NotFound(`plan ${id} does not exist${scopeNote(user.scope)}`)
    const versions = await lockCounties(trx, scoped.within)
    const plan = (await plans.findPlan(trx, id, user.scope, { forUpdate: true }))!
    const past = { submit: 'submitted', approve: 'approved', return: 'returned' }[step.action]
    if (!step.from.includes(plan.status)) refuse(plan, past, step.from)
    if (step.fresh && displayStatus(plan, versions) === 'outdated') {
      throw new Conflict(`plan ${id} is outdated: the data of ${plan.within} changed since it was computed; compute a new plan`, { planStatus: 'outdated' }, `方案已过时：${plan.within} 的数据在方案计算后已被修改，请重新计算方案`)
    }
    step.check?.(plan)
    const now = new Date().toISOString()
    const review = step.review(plan, now)
    await plans.updatePlan(trx, id, { status: step.to, review })
    await audit(trx, { actor: user.username, action: `plan.${step.action}`, entity: 'plan', entityId: id, scope: plan.within, details: { kind: plan.kind, ...review } })
  })
  return getPlan(knex, user, id)
}

/** Submits a draft (or returned) plan for approval; the note goes to the approver. */
export function submitPlan(knex: Knex, user: SessionUser, id: string, note?: string): Promise<PlanRow> {
  return reviewStep(knex, user, id, {
    action: 'submit',
    from: ['draft', 'returned'],
    to: 'submitted',
    fresh: true,
    // A new submission starts a new round: the last decision is cleared.
    review: (_plan, now) => ({ submittedBy: user.username, submittedAt: now, note: note || null, decision: null, decidedBy: null, decidedAt: null, comment: null }),
  })
}

/** Approves a submitted plan (someone other than its submitter); applying it is the next step. */
export function approvePlan(knex: Knex, user: SessionUser, id: string): Promise<PlanRow> {
  return reviewStep(knex, user, id, {
    action: 'approve',
    from: ['submitted'],
    to: 'approved',
    fresh: true,
    check: (plan) => {
      if (plan.review?.submittedBy === user.username) {
        throw new Conflict(`plan ${id} was submitted by you; another bureau user approves it`, { planStatus: plan.status }, '该方案由您本人提交，需由另一位民政局用户审批')
      }
    },
    review: (_plan, now) => ({ decision: 'approved', decidedBy: user.username, decidedAt: now, comment: null }),
  })
}

/** Returns a submitted (or approved, not yet applied) plan to its planner with a comment. */
export function returnPlan(knex: Knex, user: SessionUser, id: string, comment: string): Promise<PlanRow> {
  return reviewStep(knex, user, id, {
    action: 'return',
    from: ['submitted', 'approved'],
    to: 'returned',
    fresh: false,
    review: (_plan, now) => ({ decision: 'returned', decidedBy: user.username, decidedAt: now, comment }),
  })
}

export interface ApplyHooks {
  /** Test hook: runs inside the transaction after the state is written (throw to inject a failure). */
  afterWrite?: (trx: Knex.Transaction) => Promise<void>
}

/**
 * Applies a draft, submitted or approved plan in one transaction: locks the plan's counties, checks that none of
 * them changed since the plan was computed (else 409 saying which counties and tables),
 * saves the state before for a revert, writes the target and writes an audit record (the
 * database bumps the counties' versions).
 */
export async function applyPlan(knex: Knex, user: SessionUser, id: string, hooks: ApplyHooks = {}): Promise<PlanRow> {
  await knex.transaction(async (trx) => {
    const scoped = await plans.findPlan(trx, id, user.scope)
    if (!scoped) throw new NotFound(`plan ${id} does not exist${scopeNote(user.scope)}`)
    const versions = await lockCounties(trx, scoped.within)
    const plan = (await plans.findPlan(trx, id, user.scope, { forUpdate: true }))!
    if (!['draft', 'submitted', 'approved'].includes(plan.status)) refuse(plan, 'applied', ['draft', 'submitted', 'approved'])
    const kind = kindOf(plan.kind)
    await checkUnchanged(trx, plan, versions)
    const before = await kind.readState(trx, plan.within)
    await kind.writeState(trx, plan.within, plan.targetState)
    await hooks.afterWrite?.(trx)
    const newVersion = await dataVersion(trx, plan.within)
    await plans.updatePlan(trx, id, { status: 'applied', beforeState: before, appliedAt: new Date().toISOString(), appliedBy: user.username })
    await audit(trx, {
      actor: user.username,
      action: 'plan.apply',
      entity: 'plan',
      entityId: id,
      scope: plan.within,
      details: { kind: plan.kind, summary: plan.diff?.summary ?? null, revertsPlanId: plan.revertsPlanId, dataVersion: newVersion },
    })
  })
  return getPlan(knex, user, id)
}

/** 409 unless every county of the plan is at the version the plan was computed at. */
async function checkUnchanged(trx: Knex.Transaction, plan: PlanRow, versions: Record<string, number>): Promise<void> {
  const recorded = plan.countyVersions ?? {}
  const counties = [...new Set([...Object.keys(versions), ...Object.keys(recorded)])].sort()
  const changedCounties = counties.filter((c) => versions[c] !== recorded[c])
  if (!changedCounties.length && plan.countyVersions) return
  // Say what changed: the tables of the plan's scope whose rows differ now.
  const now = await networkFingerprint(trx, plan.within)
  const changedTables = Object.keys(now).filter((t) => now[t] !== plan.inputTables?.[t])
  const what = changedTables.length ? `: ${changedTables.join(', ')}` : ''
  throw new Conflict(
    `the data of ${plan.within} changed since this plan was computed (counties ${changedCounties.join(', ')}${what}): compute a new plan`,
    { changedCounties, changedTables, planDataVersion: plan.dataVersion, dataVersion: await dataVersion(trx, plan.within) },
    `方案计算后，${plan.within} 的数据已被修改（县(区) ${changedCounties.join('、')}${changedTables.length ? `；数据表 ${changedTables.join('、')}` : ''}），请重新计算方案`,
  )
}

/** Discards an open or failed plan. */
export async function discardPlan(knex: Knex, user: SessionUser, id: string): Promise<PlanRow> {
  await knex.transaction(async (trx) => {
    const plan = await plans.findPlan(trx, id, user.scope, { forUpdate: true })
    if (!plan) throw new NotFound(`plan ${id} does not exist${scopeNote(user.scope)}`)
    if (!isOpen(plan.status) && plan.status !== 'failed') refuse(plan, 'discarded', [...OPEN_PLAN_STATUSES, 'failed'])
    await plans.updatePlan(trx, id, { status: 'discarded' })
    await audit(trx, { actor: user.username, action: 'plan.discard', entity: 'plan', entityId: id, scope: plan.within })
  })
  return getPlan(knex, user, id)
}

/**
 * A new draft plan that restores the state saved when `id` was applied. Review it and
 * apply it like any plan; it conflicts, like any plan, if the data changes meanwhile.
 */
export async function revertPlan(knex: Knex, user: SessionUser, id: string): Promise<PlanRow> {
  const plan = await getPlan(knex, user, id)
  if (plan.status !== 'applied') {
    throw new Conflict(`plan ${id} is ${plan.status}; only an applied plan can be reverted`, { planStatus: plan.status }, `方案当前为“${STATUS_ZH[plan.status] ?? plan.status}”，只有已实施的方案可以撤销`)
  }
  const kind = kindOf(plan.kind)
  const params: PlanParams = { ...(plan.params as PlanParams), revertOf: id }
  const versions = await countyVersions(knex, plan.within)
  const version = await dataVersion(knex, plan.within)
  const inputTables = await networkFingerprint(knex, plan.within)
  const current = await kind.readState(knex, plan.within)
  const diff = await kind.diff(knex, plan.within, current, plan.beforeState)
  const coverage = { before: await coverageNow(knex, plan.within, params), after: await coverageIf(knex, kind, plan.within, params, plan.beforeState) }
  const newId = randomUUID()
  await plans.insertPlan(knex, {
    id: newId,
    kind: plan.kind,
    within: plan.within,
    status: 'draft',
    params: params as Record<string, unknown>,
    createdBy: user.username,
    inputTables,
    dataVersion: version,
    countyVersions: versions,
    // Not a solver result: the state it restores is the one saved when plan `id` was applied.
    result: { status: 'restore', objective: null, backend: 'none', backendStatus: `restores the state saved when plan ${id} was applied`, ms: 0, verified: false },
    diff,
    coverage,
    targetState: plan.beforeState,
    revertsPlanId: id,
  })
  return getPlan(knex, user, newId)
}

