/**
 * The demo's synthetic supervision history (issue 11 §8): for every supervisor of the city,
 * the last `months` months before today (Asia/Shanghai) planned by the real planner on the
 * real calendar, published before each month began (now and then late), with each visit
 * recorded as done (mostly 16 h, sometimes short of it), missed (with a reason), or, in the
 * latest month, not recorded yet, so the supervisor's home has something to record and a
 * compliance report has something to show on first start. Deterministic: every draw comes
 * from a seeded generator (geodata/random.ts) keyed by the supervisor, month and station,
 * and ids are hashes of the same keys; the network tables are not touched.
 */
import { createHash } from 'node:crypto'
import type { Knex } from 'knex'
import { Rng } from '../../geodata/random.js'
import { planVisits } from '../../solver/index.js'
import { SUPERVISION_VISITS } from '../../solver/policy.js'
import { findSupervisorWithStations } from '../repositories/supervision.repository.js'
import * as repo from '../repositories/visit-plans.repository.js'
import { insertVisits, type NewVisit } from '../repositories/visits.repository.js'
import { shanghaiDate } from './calendar.js'
import { visitInput } from './visits.service.js'

/** Themes a supervisor announces (synthetic, the kinds the Shaoguan plan §2(6) names). */
const THEMES = ['个案督导', '小组工作督导', '社区走访', '台账检查', '困境儿童服务', '长者服务', '社工站制度建设', '五社联动']
const MISSED_REASONS = ['台风停课，改期', '督导生病请假', '镇上临时会议，社工无法接待', '道路塌方，无法到达']

/** A UUID (v4 shape) derived from the keys: the same demo gives the same ids. */
function seededUuid(...keys: (string | number)[]): string {
  const h = createHash('sha256').update(keys.join('\u0001')).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** `YYYY-MM` shifted by `n` months. */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7)
}

/** An instant at a Shanghai wall-clock time of a date (UTC+8, no daylight saving). */
const shanghaiInstant = (date: string, hour: number) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`).toISOString()

export interface VisitHistoryReport {
  plans: number
  visits: number
  done: number
  missed: number
  planned: number
}

/**
 * Seeds the history of every supervisor based in `city` with stations; `recordedBy` names
 * who records a supervisor's visits (the demo user for its supervisor). Skips a month that
 * has visits already, so it can run on a database seeded before.
 */
export async function seedVisitHistory(
  knex: Knex,
  city: string,
  opts: { seed?: number; today?: string; months?: number; recordedBy?: Record<string, string> } = {},
): Promise<VisitHistoryReport> {
  const { seed = 1, today = shanghaiDate(), months = 3, recordedBy = {} } = opts
  const current = today.slice(0, 7)
  const report: VisitHistoryReport = { plans: 0, visits: 0, done: 0, missed: 0, planned: 0 }
  const ids: string[] = await knex('supervisors').whereLike('county_code', `${city}%`).orderBy('id').pluck('id')
  for (const id of ids) {
    const supervisor = await findSupervisorWithStations(knex, id)
    if (!supervisor || supervisor.stations.length === 0) continue
    for (let back = months; back >= 1; back--) {
      const month = addMonths(current, -back)
      if (await knex('visits').where({ supervisor_id: id, month }).first()) continue
      const rng = new Rng(seed, 'visits', id, month)
      const { input, calendar } = await visitInput(knex, supervisor, month, {}, today)
      const result = await planVisits(input)
      if (!result.verified) continue // e.g. a supervisor with too many stations for the month
      const planId = seededUuid(seed, 'visit-plan', id, month)
      const late = rng.next() < 0.15
      const published = late ? shanghaiInstant(`${month}-03`, 9) : shanghaiInstant(`${addMonths(month, -1)}-25`, 10)
      await repo.insertVisitPlan(knex, { id: planId, supervisorId: id, month, params: {}, createdBy: recordedBy[id] ?? 'seed', createdAt: published })
      const themed = result.visits.map((v) => ({ ...v, theme: THEMES[Math.floor(rng.next() * THEMES.length)] }))
      const { visits: _v, legs, totalKm, warnings, explanations: _e, calendarStatus: _c, month: _m, ...meta } = result
      await repo.finishVisitPlan(knex, planId, { status: 'draft', calendarStatus: calendar.status, calendarSource: calendar.source, warnings, input, result: meta, visits: themed, legs: legs as repo.StoredLeg[], totalKm })
      await repo.setVisitPlanStatus(knex, planId, 'published', { publishedAt: published, publishedBy: recordedBy[id] ?? 'seed', late, sequence: 1 })
      const rows: NewVisit[] = themed.map((v) => {
        const r = rng.next()
        const latest = back === 1
        const base = { id: seededUuid(seed, 'visit', id, month, v.stationId), supervisorId: id, stationId: v.stationId, month, dates: v.dates, hours: v.hours, theme: v.theme, planId, sequence: 1 }
        const recordedAt = shanghaiInstant(v.dates[v.dates.length - 1], 18)
        const who = recordedBy[id] ?? 'seed'
        if (latest && r < 0.2) return base // not recorded yet
        if (r < 0.32) return { ...base, status: 'missed', notes: MISSED_REASONS[Math.floor(rng.next() * MISSED_REASONS.length)], recordedBy: who, recordedAt }
        // Mostly the full 16 h; now and then a visit cut short (below the rule: the compliance report shows it).
        const hoursDone = r < 0.42 ? 12 : SUPERVISION_VISITS.value.hoursPerVisit
        return { ...base, status: 'done', hoursDone, notes: null, recordedBy: who, recordedAt }
      })
      await insertVisits(knex, rows)
      report.plans++
      report.visits += rows.length
      for (const r of rows) report[r.status ?? 'planned']++
    }
  }
  return report
}
