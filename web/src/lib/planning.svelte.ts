/**
 * The planning workflow in the browser: parameters (with the server's defaults shown) →
 * run (POST /api/plans, then poll the job for progress) → review (diff, coverage before and
 * after, moves on the map) → apply (409 explained) or discard; history with revert.
 */
import { PLAN_DEFAULTS, PLAN_LIMITS } from '../../../server/contract/defaults'
import { DEFAULT_DEMAND_WEIGHTS } from '../../../solver/policy'
import { ApiError, errorText, getJson, postJson } from './api'
import { app } from './app.svelte'
import { levelOf } from './roles'
import { countyOf } from '../../../geodata/codes'
import type { CoverageStatus, Job, JobStep, Plan, PlanKind, PlanListItem, PlanParams, StaffBounds } from './types'
import { JOB_INTERRUPTED } from '../../../server/contract/job-states'
import { t } from './i18n.svelte'
import { readUrl } from './url'
import type { MessageKey } from './messages'

/** Weights of weighted demand: the server's defaults, from the one rules module. */
export const DEFAULT_WEIGHTS: Record<string, number> = { ...DEFAULT_DEMAND_WEIGHTS }

/** The server's defaults of plan parameters (server/contract/defaults.ts), shown in the form. */
export const DEFAULTS = PLAN_DEFAULTS
/** The server's limits of plan parameters (server/contract/defaults.ts), enforced by its schema and shown in the form. */
export const LIMITS = PLAN_LIMITS

export interface PlanForm {
  kind: PlanKind
  weights: Record<string, number>
  /** Empty: today's number of workers. */
  budget: number | null
  moveCost: number
  crossTownMoveCost: number
  /** Transfers to another town (a new employer, Shaoguan plan §2(3)): off by default. */
  allowTransfers: boolean
  maxTransferKm: number
  distanceKm: number
  overloadFactor: number
  /** Empty: the kind's default time limit. */
  timeLimitSec: number | null
}

export function defaultForm(): PlanForm {
  const params = app.coverage?.params
  return {
    kind: 'staff',
    weights: { ...DEFAULT_WEIGHTS, ...(params?.weights ?? {}) },
    budget: null,
    moveCost: DEFAULTS.moveCost,
    crossTownMoveCost: DEFAULTS.crossTownMoveCost,
    allowTransfers: DEFAULTS.allowTransfers,
    maxTransferKm: DEFAULTS.maxTransferKm,
    distanceKm: params?.distanceKm ?? DEFAULTS.distanceKm,
    overloadFactor: params?.overloadFactor ?? DEFAULTS.overloadFactor,
    timeLimitSec: null,
  }
}

/** Only the parameters that differ from the defaults (the plan records what was chosen). */
export function paramsOf(form: PlanForm): PlanParams {
  const p: PlanParams = {}
  const weights = Object.fromEntries(Object.entries(form.weights).filter(([k, v]) => v !== DEFAULT_WEIGHTS[k]))
  if (Object.keys(weights).length) p.weights = weights
  if (form.kind === 'staff') {
    if (form.budget !== null) p.budget = form.budget
    if (form.moveCost !== DEFAULTS.moveCost) p.moveCost = form.moveCost
    if (form.crossTownMoveCost !== DEFAULTS.crossTownMoveCost) p.crossTownMoveCost = form.crossTownMoveCost
    if (form.allowTransfers !== DEFAULTS.allowTransfers) p.allowTransfers = form.allowTransfers
    if (form.allowTransfers && form.maxTransferKm !== DEFAULTS.maxTransferKm) p.maxTransferKm = form.maxTransferKm
  }
  if (form.distanceKm !== DEFAULTS.distanceKm) p.distanceKm = form.distanceKm
  if (form.overloadFactor !== DEFAULTS.overloadFactor) p.overloadFactor = form.overloadFactor
  if (form.timeLimitSec !== null && form.timeLimitSec !== DEFAULTS.timeLimitSec[form.kind]) p.timeLimitSec = form.timeLimitSec
  return p
}

/**
 * What is wrong with the form, field by field (the server's limits; the budget against the
 * county's bounds when they are known). The server checks the same and answers 400 naming the field.
 */
export function formProblems(form: PlanForm, bounds: StaffBounds | null): { field: string; text: string }[] {
  const out: { field: string; text: string }[] = []
  const bad = (field: string, key: MessageKey, vars?: Record<string, string | number>) => out.push({ field, text: t(key, vars) })
  const range = (field: string, v: number | null, min: number, max: number) => {
    if (v === null) return
    if (!Number.isFinite(v) || v < min || v > max) bad(field, 'plan.problem.range', { field: t(`plan.field.${field}` as MessageKey), min, max })
  }
  if (form.kind === 'staff') {
    for (const [k, v] of Object.entries(form.weights)) {
      if (!Number.isFinite(v) || v < 0 || v > LIMITS.weightMax) bad(`weights.${k}`, 'plan.problem.weight', { name: t(k === 'population' ? 'plan.weight.population' : (`group.${k}` as MessageKey)), max: LIMITS.weightMax })
    }
    if (Object.values(form.weights).every((v) => v === 0)) bad('weights', 'plan.problem.allZero')
    if (form.budget !== null) {
      if (!Number.isInteger(form.budget)) bad('budget', 'plan.problem.budgetInteger')
      else if (bounds && (form.budget < bounds.minimum || form.budget > bounds.maximum)) bad('budget', 'plan.problem.budget', { min: bounds.minimum, max: bounds.maximum })
    }
    range('moveCost', form.moveCost, LIMITS.moveCost.min, LIMITS.moveCost.max)
    range('crossTownMoveCost', form.crossTownMoveCost, LIMITS.moveCost.min, LIMITS.moveCost.max)
    if (form.crossTownMoveCost < form.moveCost) bad('crossTownMoveCost', 'plan.problem.transferCost')
    if (form.allowTransfers) range('maxTransferKm', form.maxTransferKm, LIMITS.maxTransferKm.min, LIMITS.maxTransferKm.max)
  }
  range('distanceKm', form.distanceKm, LIMITS.distanceKm.min, LIMITS.distanceKm.max)
  range('overloadFactor', form.overloadFactor, LIMITS.overloadFactor.min, LIMITS.overloadFactor.max)
  range('timeLimitSec', form.timeLimitSec, LIMITS.timeLimitSec.min, LIMITS.timeLimitSec.max)
  return out
}

/**
 * The division a plan of the current view is made for: the city or county, or in a town's
 * view the town for a grid plan (grids are designed town by town) and else its county.
 */
export function planScope(within: string, kind?: PlanKind): string {
  return levelOf(within) === 'town' && kind !== 'grids' ? countyOf(within)! : within
}

/** Villages whose grid unit a plan changes (grid plans; none for staff and supervisor plans). */
export function gridChanges(plan: Plan | null): string[] {
  const diff = plan?.diff
  if (!diff || diff.kind !== 'grids') return []
  return diff.membership.map((m) => m.villageCode)
}

/** Villages whose coverage status the plan changes, with the status after. */
export function statusChanges(plan: Plan | null): Map<string, { before: CoverageStatus; after: CoverageStatus }> {
  const out = new Map<string, { before: CoverageStatus; after: CoverageStatus }>()
  const before = plan?.coverage?.before?.villageStatus
  const after = plan?.coverage?.after?.villageStatus
  if (!before || !after) return out
  for (const [code, s] of Object.entries(after)) if (before[code] !== s) out.set(code, { before: before[code], after: s })
  return out
}

/** A job's progress step in the current language, e.g. "划分网格单元 · 乐昌市 · 12/112". */
export function jobStepText(step: JobStep | null): string {
  if (!step) return ''
  const parts = [t(`job.step.${step.step}` as MessageKey)]
  if (step.town) parts.push(step.town)
  if (step.total > 1) parts.push(t('job.step.count', { done: step.done, total: step.total }))
  return parts.join(' · ')
}

/** A job's or plan's error in the current language where it is one the web knows. */
export function jobErrorText(error: string | null | undefined): string {
  if (error === JOB_INTERRUPTED) return t('job.interrupted')
  return error ?? ''
}

/** A solver's status in the UI's language (optimal, feasible, infeasible, timeout, …; an unknown one as it is). */
export function solverStatusText(status: string): string {
  const key = `solver.status.${status}` as MessageKey
  const text = t(key)
  return text === key ? status : text
}

/**
 * What the review says after an action: `ok` with its message key, an error in the UI's
 * language, a 409 of changed data, or `stale` when another tab changed the plan meanwhile.
 */
export type Notice = { kind: 'ok'; key: MessageKey } | { kind: 'error' | 'conflict' | 'stale'; text: string }

class Planning {
  form = $state<PlanForm>(defaultForm())
  job = $state.raw<Job | null>(null)
  running = $state(false)
  cancelling = $state(false)
  private jobId: string | null = null
  plan = $state.raw<Plan | null>(null)
  history = $state.raw<PlanListItem[]>([])
  /** The budgets the county's staff plan accepts (GET /api/plans/staff/bounds), for the form. */
  bounds = $state.raw<StaffBounds | null>(null)
  /** Why a plan of the link could not be opened (unknown id, outside the scope). */
  linkProblem = $state<string | null>(null)
  /** The plan of the link while it loads: the URL keeps it meanwhile. */
  private pendingId: string | null = null
  notice = $state.raw<Notice | null>(null)
  busy = $state(false)
  /** Colour the map by the coverage status after the plan. */
  preview = $state(false)
  private pollTimer: ReturnType<typeof setTimeout> | null = null

  constructor() {
    // The plan of the link, read before the app writes its first URL (which would drop it).
    this.pendingId = readUrl().plan ?? null
    app.urlExtras = () => {
      const id = this.plan?.id ?? this.pendingId
      return id ? { plan: id } : {}
    }
  }

  resetForm(): void {
    this.form = defaultForm()
  }

  async run(within: string): Promise<void> {
    this.notice = null
    this.plan = null
    this.preview = false
    this.running = true
    this.job = { state: 'queued', progress: 0, planId: '', step: null }
    try {
      const created = await postJson<{ id: string; jobId: string }>('/api/plans', { kind: this.form.kind, within, params: paramsOf(this.form) })
      this.jobId = created.jobId
      await this.poll(created.jobId)
    } catch (e) {
      this.running = false
      this.job = null
      this.notice = { kind: 'error', text: errorText(e) }
    }
  }

  private poll(jobId: string): Promise<void> {
    return new Promise((resolve) => {
      const tick = async () => {
        try {
          const job = await getJson<Job>(`/api/jobs/${jobId}`)
          this.job = job
          if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') {
            this.running = false
            this.cancelling = false
            this.jobId = null
            await this.open(job.planId)
            // A failed plan explains itself in the review (its explanations in both languages).
            if (job.state === 'failed' && !this.plan?.result?.explanations?.length) this.notice = { kind: 'error', text: jobErrorText(job.error) || t('job.failed') }
            void this.loadHistory()
            return resolve()
          }
        } catch (e) {
          this.running = false
          this.notice = { kind: 'error', text: errorText(e) }
          return resolve()
        }
        this.pollTimer = setTimeout(tick, 250)
      }
      void tick()
    })
  }

  /** Cancels the running job: the server interrupts its solve and leaves the plan cancelled. */
  async cancel(): Promise<void> {
    if (!this.jobId || this.cancelling) return
    this.cancelling = true
    try {
      this.job = await postJson<Job>(`/api/jobs/${this.jobId}/cancel`)
    } catch (e) {
      // 409: it finished meanwhile; the poll shows the outcome.
      if ((e as ApiError).status !== 409) this.notice = { kind: 'error', text: errorText(e) }
      this.cancelling = false
    }
  }

  /** Opens a plan for review. */
  async open(id: string): Promise<void> {
    this.plan = await getJson<Plan>(`/api/plans/${id}`)
    this.preview = false
    this.linkProblem = null
    app.syncUrl(false)
  }

  /** Opens the plan the page's link named (if any): the URL keeps it while it loads; an unknown id or one outside the scope says so. */
  async openLinked(): Promise<void> {
    const id = this.pendingId
    if (!id) return
    try {
      await this.open(id)
      app.setTab('plan')
    } catch (e) {
      this.linkProblem = (e as ApiError).status === 404 || (e as ApiError).status === 400 ? t('plan.linkUnknown', { id: id.slice(0, 8) }) : errorText(e)
      app.setTab('plan')
    } finally {
      this.pendingId = null
      app.syncUrl(false)
    }
  }

  /** Back to the form and the history (read anew: others may have decided on a plan meanwhile). */
  close(): void {
    this.plan = null
    this.preview = false
    this.job = null
    this.notice = null
    app.syncUrl(false)
    void this.loadHistory()
  }

  /** The budgets of a county's staff plan (shown in the form before solving); null elsewhere. */
  async loadBounds(county: string | null): Promise<void> {
    if (!county) return void (this.bounds = null)
    if (this.bounds?.within === county) return
    try {
      this.bounds = await getJson<StaffBounds>(`/api/plans/staff/bounds?within=${county}`)
    } catch {
      this.bounds = null
    }
  }

  async loadHistory(): Promise<void> {
    if (!app.within) return
    try {
      // The county's plans (those of its towns included), or the town's for a town-scoped user.
      const scope = app.inScope(planScope(app.within)) ? planScope(app.within) : app.within
      this.history = (await getJson<{ plans: PlanListItem[] }>(`/api/plans?within=${scope}`)).plans
    } catch {
      this.history = []
    }
  }

  /** Plans waiting for a bureau user's decision (the badge on the planning tab). */
  get awaitingDecision(): number {
    return this.history.filter((p) => p.status === 'submitted').length
  }

  /**
   * One step on the open plan (apply, submit, approve, return, discard). A 409 saying the
   * plan is already past this step (another tab did it) reloads the plan and says so; a 409
   * of changed data says what changed.
   */
  private async step(action: 'apply' | 'submit' | 'approve' | 'return' | 'discard', body: unknown, ok: MessageKey): Promise<boolean> {
    if (!this.plan) return false
    const id = this.plan.id
    this.busy = true
    this.notice = null
    try {
      this.plan = await postJson<Plan>(`/api/plans/${id}/${action}`, body)
      this.preview = false
      this.notice = { kind: 'ok', key: ok }
      if (action === 'apply') await app.reload()
      return true
    } catch (e) {
      const err = e instanceof ApiError ? e : null
      const status = err?.status === 409 ? err.member('planStatus') : undefined
      if (typeof status === 'string' && status !== this.plan.status) {
        // This tab is stale: show the plan as it is now (and the map, if it was applied).
        this.plan = await getJson<Plan>(`/api/plans/${id}`).catch(() => this.plan)
        this.notice = { kind: 'stale', text: status === 'applied' ? t('plan.alreadyApplied', { detail: err!.detail }) : t('plan.changedElsewhere', { detail: err!.detail }) }
        if (status === 'applied') await app.reload()
      } else {
        this.notice = { kind: err?.status === 409 ? 'conflict' : 'error', text: errorText(e) }
      }
      return false
    } finally {
      this.busy = false
      void this.loadHistory()
    }
  }

  apply(): Promise<boolean> {
    return this.step('apply', undefined, 'plan.applied')
  }

  /** Submits the draft for a bureau user's approval, with a note. */
  submit(note: string): Promise<boolean> {
    return this.step('submit', note.trim() ? { note: note.trim() } : {}, 'plan.submittedOk')
  }

  approve(): Promise<boolean> {
    return this.step('approve', {}, 'plan.approvedOk')
  }

  /** Returns the plan to its planner with a comment (required). */
  returnPlan(comment: string): Promise<boolean> {
    return this.step('return', { comment }, 'plan.returnedOk')
  }

  async discard(): Promise<void> {
    await this.step('discard', undefined, 'plan.discarded')
  }

  async revert(id: string): Promise<void> {
    this.busy = true
    this.notice = null
    try {
      this.plan = await postJson<Plan>(`/api/plans/${id}/revert`)
      this.preview = false
      app.syncUrl(false)
      void this.loadHistory()
    } catch (e) {
      this.notice = { kind: (e as ApiError).status === 409 ? 'conflict' : 'error', text: errorText(e) }
    } finally {
      this.busy = false
    }
  }

  stop(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer)
  }
}

export const planning = new Planning()
