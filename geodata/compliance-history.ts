/**
 * A synthetic supervision history for the demo (issue 11), so that every part of the
 * compliance report shows something on first start: quarterly station scores of the last four
 * complete quarters (two stations planted below 80 in the last two: yellow cards), inspections
 * by the city group in those quarters (the first county under-inspected in the last one) and a
 * few already in the current quarter, and training records (some workers below 15 h pre-job
 * or 48 h professional). Deterministic: the same dataset, seed and `today` give the same rows.
 * Relative to `today` (an Asia/Shanghai date), so the history always ends now; no date lies
 * after it. Labelled synthetic like the rest of the demo.
 */
import { currentQuarter, quarterRange, quartersEndingAt, previousQuarter, quarterOfDate } from '../solver/quarters.js'
import { Rng } from './random.js'
import type { Dataset } from './types.js'

export interface ComplianceHistory {
  scores: Array<{ stationId: string; quarter: string; score: number; inspector: string; date: string }>
  inspections: Array<{ stationId: string; date: string; quarter: string; inspector: string; findings: string }>
  training: Array<{ workerId: string; date: string; kind: 'prejob' | 'professional'; hours: number; course: string }>
}

const INSPECTORS = ['市督导组 陈', '市督导组 林', '市督导组 黄', '市督导组 周']
const FINDINGS = ['台账规范，服务记录完整', '个案记录不完整，需补充', '服务覆盖不足，需加强入户走访', '站点制度上墙，运行良好', '社工流动较大，建议加强培训']
const COURSES = ['社会工作政策解读', '个案管理实务', '心理干预基础', '应急处理与危机介入', '残疾人服务政策', '儿童关爱服务技巧']

/** A date of `quarter` (days 1-28 of one of its months) not after `today`, or null when the quarter has not started. */
function dayIn(rng: Rng, quarter: string, today: string): string | null {
  const { from } = quarterRange(quarter)
  if (from > today) return null
  for (let tries = 0; tries < 8; tries++) {
    const month = Number(from.slice(5, 7)) + rng.int(0, 2)
    const d = `${from.slice(0, 4)}-${String(month).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`
    if (d <= today) return d
  }
  return from
}

/** Adds `days` to a `YYYY-MM-DD` date (calendar arithmetic in UTC, no time zone involved). */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export function generateComplianceHistory(data: Pick<Dataset, 'divisions' | 'stations' | 'workers'>, opts: { seed: number; today: string }): ComplianceHistory {
  const { seed, today } = opts
  const rng = new Rng(seed, 'compliance-history', today)
  const countyOf = new Map(data.divisions.filter((d) => d.level === 'town').map((d) => [d.code, d.parentCode!]))
  const stations = [...data.stations].sort((a, b) => (a.id < b.id ? -1 : 1))
  const current = currentQuarter(new Date(`${today}T12:00:00+08:00`))
  const quarters = quartersEndingAt(previousQuarter(current), 4)
  const last = quarters[quarters.length - 1]
  const out: ComplianceHistory = { scores: [], inspections: [], training: [] }

  // Scores, given in the first days of the next quarter; two stations below 80 in the last two quarters.
  const planted = new Set(stations.filter((_, i) => i % 37 === 5).slice(0, 2).map((s) => s.id))
  for (const q of quarters) {
    const next = quarterRange(q).until
    for (const s of stations) {
      const low = planted.has(s.id) && quarters.indexOf(q) >= quarters.length - 2
      // Otherwise mostly 80-98, now and then one quarter below 80 (no card unless two follow).
      const score = low ? 70 + rng.int(0, 18) / 2 : rng.chance(0.06) ? 74 + rng.int(0, 11) / 2 : Math.round(rng.uniform(80, 98) * 2) / 2
      const date = addDays(next, rng.int(0, 9))
      out.scores.push({ stationId: s.id, quarter: q, score, inspector: rng.pick(INSPECTORS), date: date > today ? today : date })
    }
  }

  // Inspections: 60 % of each county's stations per quarter; the first county only 1 in the last quarter.
  const counties = [...new Set(stations.map((s) => countyOf.get(s.townCode)!))].sort()
  for (const q of [...quarters, current]) {
    for (const county of counties) {
      const own = rng.shuffle(stations.filter((s) => countyOf.get(s.townCode) === county))
      const share = q === current ? 0.2 : 0.6
      const n = q === last && county === counties[0] ? Math.min(1, own.length) : Math.ceil(own.length * share)
      for (const s of own.slice(0, n)) {
        const date = dayIn(rng, q, today)
        if (date) out.inspections.push({ stationId: s.id, date, quarter: quarterOfDate(date), inspector: rng.pick(INSPECTORS), findings: rng.pick(FINDINGS) })
      }
    }
  }

  // Training: pre-job at hiring (8 % short of 15 h); professional sessions in last year and this one (about 15 % short of 48 h).
  const thisYear = Number(today.slice(0, 4))
  const workers = [...data.workers].sort((a, b) => (a.id < b.id ? -1 : 1))
  for (const w of workers) {
    const hired = w.hiredOn && w.hiredOn <= today ? w.hiredOn : null
    if (hired) out.training.push({ workerId: w.id, date: hired, kind: 'prejob', hours: rng.chance(0.08) ? rng.int(4, 12) : rng.pick([15, 16, 18]), course: '岗前培训：岗位职责与社会工作基础' })
    for (const year of [thisYear - 1, thisYear]) {
      const short = rng.chance(0.15)
      const sessions = short ? rng.int(1, 3) : rng.int(6, 8)
      for (let i = 0; i < sessions; i++) {
        const date = `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`
        if (date > today || (hired && date < hired)) continue
        out.training.push({ workerId: w.id, date, kind: 'professional', hours: rng.pick([8, 12, 12, 16]), course: rng.pick(COURSES) })
      }
    }
  }
  return out
}
