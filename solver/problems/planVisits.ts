/**
 * `planVisits`: one supervisor's visits of one month (SUPERVISION_VISITS, Shaoguan plan §2(6)).
 *
 * Every station gets one visit of ceil(16 h / hoursPerDay) consecutive working days (the
 * month's working-day sequence, so a visit may span a weekend or holiday), one station a
 * day, none on the supervisor's unavailable or the station's blocked dates, fixed dates
 * kept. Minimise the road km of the travel model, then spread the visits over the month.
 * Exact: a dynamic programme over (working day, stations visited, current place), see
 * `visits/dp.ts`; every result is re-checked by `visits/verify.ts`.
 */
import { SUPERVISOR_STATIONS } from '../policy.js'
import type { Infeasibility, RunOptions, SolveMeta } from '../types.js'
import { solveVisitDp } from '../visits/dp.js'
import { explainNoSchedule, explainVisitMonth } from '../visits/explain.js'
import { normaliseVisitInput, type PlanVisitsInput, type VisitProblem } from '../visits/problem.js'
import { verifyVisitPlan, type Leg, type Visit } from '../visits/verify.js'

export type { PlanVisitsInput } from '../visits/problem.js'
export type { Leg, Visit } from '../visits/verify.js'

/** Output of `planVisits`. `objective` is `totalKm`. */
export interface PlanVisitsResult extends SolveMeta {
  month: string
  calendarStatus: 'official' | 'unpublished'
  /** True when the calendar of the month is not the State Council's (see `warnings`). */
  tentative: boolean
  warnings: Array<{ zh: string; en: string }>
  /** Working days per visit and hours a visit counts. */
  daysPerVisit: number
  visits: Visit[]
  legs: Leg[]
  totalKm: number | null
  /** Σ |visit centre − ideal centre| in working days (lower = more evenly spread). */
  spreadDays: number | null
  explanations?: Infeasibility[]
}

/** Warnings that travel with the plan: a tentative calendar, a supervisor outside 5-8 stations. */
export function visitPlanWarnings(p: Pick<VisitProblem, 'month' | 'calendarStatus' | 'stations'>): Array<{ zh: string; en: string }> {
  const out: Array<{ zh: string; en: string }> = []
  const year = p.month.slice(0, 4)
  if (p.calendarStatus === 'unpublished') {
    const notice = `国务院办公厅关于${year}年部分节假日安排的通知`
    out.push({
      zh: `暂定计划：《${notice}》尚未发布，${year}年的工作日暂按周一至周五计算，节假日和调休上班日未计入`,
      en: `Tentative plan: the State Council has not yet published its notice on the ${year} holidays (《${notice}》); working days of ${year} are assumed Monday to Friday, without holidays or adjusted working days`,
    })
  }
  const { min, max } = SUPERVISOR_STATIONS.value
  const n = p.stations.length
  if (n < min || n > max) {
    out.push({ zh: `该督导负责${n}个社工站，不在${min}至${max}个之间：${SUPERVISOR_STATIONS.text.zh}`, en: `this supervisor covers ${n} stations, outside ${min}-${max}: ${SUPERVISOR_STATIONS.text.en}` })
  }
  return out
}

/** Plans one supervisor's month of visits: least km, then most even spread; exact and verified. */
export async function planVisits(input: PlanVisitsInput, _options: RunOptions = {}): Promise<PlanVisitsResult> {
  const started = performance.now()
  const p = normaliseVisitInput(input)
  const base = {
    month: p.month,
    calendarStatus: p.calendarStatus,
    tentative: p.calendarStatus === 'unpublished',
    warnings: visitPlanWarnings(p),
    daysPerVisit: p.daysPerVisit,
    backend: 'none' as const,
  }
  const none = { visits: [], legs: [], totalKm: null, spreadDays: null, objective: null, verified: false }
  const explanations = explainVisitMonth(p)
  if (explanations.length > 0) {
    return { ...base, ...none, status: 'infeasible', backendStatus: 'rejected before solving', ms: Math.round(performance.now() - started), explanations }
  }
  const best = solveVisitDp(p)
  if (!best) {
    return { ...base, ...none, status: 'infeasible', backendStatus: 'exact dynamic programme: no schedule', ms: Math.round(performance.now() - started), explanations: [explainNoSchedule(p)] }
  }
  const visits: Visit[] = best.visits.map((v) => ({
    stationId: p.stations[v.station].id,
    dates: p.days.slice(v.start, v.start + p.daysPerVisit),
    hours: p.daysPerVisit * p.hoursPerDay,
  }))
  const totalKm = best.metres / 1000
  const check = verifyVisitPlan(input, { visits, totalKm })
  const ms = Math.round(performance.now() - started)
  if (!check.ok) {
    return { ...base, ...none, status: 'error', backendStatus: `rule check failed: ${check.violations.slice(0, 3).join('; ')}`, ms }
  }
  return {
    ...base,
    status: 'optimal',
    backendStatus: 'exact dynamic programme',
    objective: totalKm,
    bound: totalKm,
    gap: 0,
    verified: true,
    ms,
    visits,
    legs: check.legs,
    totalKm,
    spreadDays: check.spreadDays,
  }
}
