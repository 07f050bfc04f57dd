/**
 * The planning workflow in the browser: parameters (with the server's defaults shown) →
 * run (POST /api/plans, then poll the job for progress) → review (diff, coverage before and
 * after, moves on the map) → apply (409 explained) or discard; history with revert.
 */
import { PLAN_DEFAULTS } from '../../../server/contract/defaults'
import { DEFAULT_DEMAND_WEIGHTS } from '../../../solver/policy'
import { ApiError, getJson, postJson } from './api'
import { app } from './app.svelte'
import { levelOf } from './roles'
import { countyOf } from '../../../geodata/codes'
import type { CoverageStatus, Job, JobStep, Plan, PlanKind, PlanParams, PlanSummary } from './types'
import { JOB_INTERRUPTED } from '../../../server/contract/job-states'
import { t } from './i18n.svelte'
import type { MessageKey } from './messages'

/** Weights of weighted demand: the server's defaults, from the one rules module. */
export const DEFAULT_WEIGHTS: Record<string, number> = { ...DEFAULT_DEMAND_WEIGHTS }

/** The server's defaults of plan parameters (server/contract/defaults.ts), shown in the form. */
export const DEFAULTS = PLAN_DEFAULTS

export interface PlanForm {
  kind: PlanKind
  weights: Record<string, number>
  /** Empty: today's number of workers. */
  budget: number | null
  moveCost: number
  crossTownMoveCost: number
  allowCrossTownMoves: boolean
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
    allowCrossTownMoves: DEFAULTS.allowCrossTownMoves,
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
    if (form.allowCrossTownMoves !== DEFAULTS.allowCrossTownMoves) p.allowCrossTownMoves = form.allowCrossTownMoves
  }
  if (form.distanceKm !== DEFAULTS.distanceKm) p.distanceKm = form.distanceKm
  if (form.overloadFactor !== DEFAULTS.overloadFactor) p.overloadFactor = form.overloadFactor
  if (form.timeLimitSec !== null && form.timeLimitSec !== DEFAULTS.timeLimitSec[form.kind]) p.timeLimitSec = form.timeLimitSec
  return p
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

export type Notice = { kind: 'ok' | 'error' | 'conflict'; text: string }

class Planning {
  form = $state<PlanForm>(defaultForm())
  job = $state.raw<Job | null>(null)
  running = $state(false)
  cancelling = $state(false)
  private jobId: string | null = null
  plan = $state.raw<Plan | null>(null)
  history = $state.raw<PlanSummary[]>([])
  notice = $state.raw<Notice | null>(null)
  busy = $state(false)
  /** Colour the map by the coverage status after the plan. */
  preview = $state(false)
  private pollTimer: ReturnType<typeof setTimeout> | null = null

  constructor() {
    app.urlExtras = () => (this.plan ? { plan: this.plan.id } : {})
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
      this.notice = { kind: 'error', text: e instanceof ApiError ? e.detail : (e as Error).message }
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
            if (job.state === 'failed') this.notice = { kind: 'error', text: jobErrorText(job.error) || t('job.failed') }
            void this.loadHistory()
            return resolve()
          }
        } catch (e) {
          this.running = false
          this.notice = { kind: 'error', text: (e as Error).message }
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
      if ((e as ApiError).status !== 409) this.notice = { kind: 'error', text: (e as ApiError).detail ?? (e as Error).message }
      this.cancelling = false
    }
  }

  /** Opens a plan for review. */
  async open(id: string): Promise<void> {
    this.plan = await getJson<Plan>(`/api/plans/${id}`)
    this.preview = false
    app.syncUrl(false)
  }

  close(): void {
    this.plan = null
    this.preview = false
    this.job = null
    app.syncUrl(false)
  }

  async loadHistory(): Promise<void> {
    if (!app.within) return
    try {
      // The county's plans (those of its towns included), or the town's for a town-scoped user.
      const scope = app.inScope(planScope(app.within)) ? planScope(app.within) : app.within
      this.history = (await getJson<{ plans: PlanSummary[] }>(`/api/plans?within=${scope}`)).plans
    } catch {
      this.history = []
    }
  }

  async apply(): Promise<boolean> {
    if (!this.plan) return false
    this.busy = true
    this.notice = null
    try {
      this.plan = await postJson<Plan>(`/api/plans/${this.plan.id}/apply`)
      this.preview = false
      this.notice = { kind: 'ok', text: 'applied' }
      await app.reload()
      void this.loadHistory()
      return true
    } catch (e) {
      const err = e as ApiError
      this.notice = { kind: err.status === 409 ? 'conflict' : 'error', text: err.detail ?? err.message }
      return false
    } finally {
      this.busy = false
    }
  }

  async discard(): Promise<void> {
    if (!this.plan) return
    this.busy = true
    this.notice = null
    try {
      this.plan = await postJson<Plan>(`/api/plans/${this.plan.id}/discard`)
      this.notice = { kind: 'ok', text: 'discarded' }
      void this.loadHistory()
    } catch (e) {
      this.notice = { kind: 'error', text: (e as ApiError).detail ?? (e as Error).message }
    } finally {
      this.busy = false
    }
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
      this.notice = { kind: (e as ApiError).status === 409 ? 'conflict' : 'error', text: (e as ApiError).detail ?? (e as Error).message }
    } finally {
      this.busy = false
    }
  }

  stop(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer)
  }
}

export const planning = new Planning()
