/**
 * The supervisor's home (issue 11 §7): the month shown (its calendar from /api/calendar and
 * its visits), planning next month (run → review → edit → publish: a visit plan computed by
 * a job), recording a visit, and the calendar feed (ICS link and subscription URL).
 * The server decides every rule; this keeps what the panel and the map show.
 */
import { ApiError, deleteJson, getJson, patchJson, postJson } from './api'
import { t } from './i18n.svelte'
import { jobErrorText } from './planning.svelte'
import type { CalendarToken, CalendarYear, Job, User, VisitList, VisitPlan, VisitRecord } from './types'
import type { VisitRoute } from '../map/visitRoute'

/** Today in Asia/Shanghai, `YYYY-MM-DD` (the programme's dates, whatever the browser's zone). */
export function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
}

/** `YYYY-MM` moved by `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7)
}

/** The station visited on each date of the month, by visit order (1 = first). */
export interface DayVisit {
  stationId: string
  stationName: string
  order: number
  status: VisitRecord['status'] | 'draft'
  theme: string | null
}

class VisitsState {
  user = $state.raw<User | null>(null)
  month = $state(shanghaiToday().slice(0, 7))
  calendar = $state.raw<CalendarYear | null>(null)
  visits = $state.raw<VisitRecord[]>([])
  /** The visit plan under review (a draft, or one just published). */
  plan = $state.raw<VisitPlan | null>(null)
  job = $state.raw<Job | null>(null)
  running = $state(false)
  notice = $state<{ kind: 'error' | 'ok'; text: string } | null>(null)
  /** The subscription URL, shown once after it is made. */
  subscription = $state<string | null>(null)

  /** What the calendar shows on each date: the plan under review for its month, else the visits. */
  days = $derived(this.dayMap())
  /** The route on the map: the plan's legs and numbered stops, or the month's visits as stops. */
  route = $derived(this.routeOf())

  private routeOf(): VisitRoute | null {
    if (!this.user) return null
    const plan = this.plan?.month === this.month ? this.plan : null
    const list = plan ? plan.visits : this.visits
    const ordered = [...list].filter((v) => v.lnglat).sort((a, b) => (a.dates[0] < b.dates[0] ? -1 : 1))
    if (!ordered.length) return null
    return {
      legs: plan ? plan.legs : [],
      base: plan?.base ?? null,
      stops: ordered.map((v, i) => ({ lnglat: v.lnglat as [number, number], order: i + 1, name: v.stationName, stationId: v.stationId })),
    }
  }

  private dayMap(): Map<string, DayVisit> {
    const out = new Map<string, DayVisit>()
    const plan = this.plan?.month === this.month ? this.plan : null
    const list = plan
      ? plan.visits.map((v) => ({ stationId: v.stationId, stationName: v.stationName, dates: v.dates, status: plan.status === 'draft' ? ('draft' as const) : ('planned' as const), theme: v.theme }))
      : this.visits.map((v) => ({ stationId: v.stationId, stationName: v.stationName, dates: v.dates, status: v.status, theme: v.theme }))
    const ordered = [...list].sort((a, b) => (a.dates[0] < b.dates[0] ? -1 : 1))
    ordered.forEach((v, i) => v.dates.forEach((d) => out.set(d, { stationId: v.stationId, stationName: v.stationName, order: i + 1, status: v.status, theme: v.theme })))
    return out
  }

  get supervisorId(): string | null {
    return this.user?.supervisorId ?? null
  }

  /** Opens the home for a supervisor user on the current month. */
  async start(user: User): Promise<void> {
    this.user = user
    await this.show(this.month)
  }

  /** Shows a month: its calendar year and the supervisor's visits in it. */
  async show(month: string): Promise<void> {
    this.month = month
    this.notice = null
    const year = Number(month.slice(0, 4))
    try {
      if (this.calendar?.year !== year) this.calendar = await getJson<CalendarYear>(`/api/calendar/${year}`)
      // A supervisor sees its own visits wherever its stations lie: ask for the province.
      const within = (this.user?.scope ?? '44').slice(0, 2)
      this.visits = (await getJson<VisitList>(`/api/visits?within=${within}&month=${month}`)).visits
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message }
    }
  }

  /** Plans next month (Asia/Shanghai): a job computes the draft, then it opens for review. */
  async planNext(): Promise<void> {
    if (!this.supervisorId || this.running) return
    const month = addMonths(shanghaiToday().slice(0, 7), 1)
    this.running = true
    this.notice = null
    this.plan = null
    try {
      const created = await postJson<{ id: string; jobId: string }>('/api/visit-plans', { supervisorId: this.supervisorId, month })
      this.job = await this.waitFor(created.jobId)
      await this.show(month)
      this.plan = await getJson<VisitPlan>(`/api/visit-plans/${created.id}`)
      if (this.job.state === 'failed') this.notice = { kind: 'error', text: this.plan.error || jobErrorText(this.job.error) || t('job.failed') }
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message }
    } finally {
      this.running = false
    }
  }

  private async waitFor(jobId: string): Promise<Job> {
    for (;;) {
      const job = await getJson<Job>(`/api/jobs/${jobId}`)
      this.job = job
      if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') return job
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  /** Edits a visit of the draft (theme, or dates: the server re-verifies them and says which rule broke). */
  async edit(stationId: string, body: { theme?: string | null; dates?: string[] }): Promise<boolean> {
    if (!this.plan) return false
    try {
      this.plan = await patchJson<VisitPlan>(`/api/visit-plans/${this.plan.id}/visits/${stationId}`, body)
      this.notice = null
      return true
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : null
      this.notice = { kind: 'error', text: problem?.detail ?? (e as Error).message }
      return false
    }
  }

  /** Publishes the draft (the announcement); its visits then exist and the calendar shows them. */
  async publish(): Promise<void> {
    if (!this.plan) return
    try {
      this.plan = await postJson<VisitPlan>(`/api/visit-plans/${this.plan.id}/publish`)
      await this.show(this.plan.month)
      this.notice = { kind: 'ok', text: this.plan.late ? t('visits.publishedLate') : t('visits.published') }
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message }
    }
  }

  /** Records a visit as done (hours) or missed (reason), then reloads the month. */
  async record(id: string, body: { status: 'done'; hours: number; notes?: string } | { status: 'missed'; notes: string }): Promise<boolean> {
    try {
      await postJson<VisitRecord>(`/api/visits/${id}/record`, body)
      await this.show(this.month)
      return true
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message }
      return false
    }
  }

  /** The ICS of the month shown (needs the session: for a download). */
  icsUrl(): string | null {
    return this.supervisorId ? `/api/supervisors/${this.supervisorId}/visits.ics?month=${this.month}` : null
  }

  /** A new subscription URL (the previous one stops working); shown once. */
  async subscribe(): Promise<void> {
    if (!this.supervisorId) return
    try {
      this.subscription = (await postJson<CalendarToken>(`/api/supervisors/${this.supervisorId}/calendar-token`)).url
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message }
    }
  }

  async revoke(): Promise<void> {
    if (!this.supervisorId) return
    await deleteJson(`/api/supervisors/${this.supervisorId}/calendar-token`).catch((e: Error) => (this.notice = { kind: 'error', text: e.message }))
    this.subscription = null
    this.notice = { kind: 'ok', text: t('visits.revoked') }
  }

  stop(): void {
    this.user = null
    this.plan = null
    this.visits = []
    this.subscription = null
  }
}

export const visits = new VisitsState()
