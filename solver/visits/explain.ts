/**
 * Why a month cannot hold the visits, in domain words, found before the dynamic programme
 * runs (DESIGN.md §5.3): fixed dates that cannot be kept, too few free working days, free
 * days in runs too short for a visit, a station blocked on every possible visit.
 */
import { SUPERVISION_VISITS } from '../policy.js'
import type { Infeasibility } from '../types.js'
import { dateLabel, monthLabel } from './month.js'
import type { VisitProblem } from './problem.js'

const RULE = 'SUPERVISION_VISITS'

function explanation(code: string, numbers: Record<string, number>, zh: string, en: string, name?: string): Infeasibility {
  return { rule: RULE, source: SUPERVISION_VISITS.source, code, ...(name ? { name } : {}), numbers, message: { zh, en } }
}

/** Every reason found that the month cannot hold one visit per station (empty: maybe feasible). */
export function explainVisitMonth(p: VisitProblem): Infeasibility[] {
  const out: Infeasibility[] = []
  const month = monthLabel(p.month)
  const L = p.daysPerVisit
  const n = p.stations.length
  const m = p.days.length
  const visitWords = {
    zh: `每次督导需连续${L}个工作日（${SUPERVISION_VISITS.value.hoursPerVisit}小时，每天${p.hoursPerDay}小时）`,
    en: `each visit needs ${L} consecutive working days (${SUPERVISION_VISITS.value.hoursPerVisit} h at ${p.hoursPerDay} h a day)`,
  }
  const stationName = (j: number) => p.stations[j].name ?? p.stations[j].id
  for (const f of p.fixedProblems) {
    const s = stationName(f.station)
    const d = dateLabel(f.date)
    const why = {
      'not-working-day': { zh: '不是工作日', en: 'is not a working day' },
      unavailable: { zh: '督导不可用', en: 'is a date the supervisor is unavailable' },
      blocked: { zh: '该站不可安排', en: 'is blocked for the station' },
      taken: { zh: `已固定给${f.other !== undefined ? stationName(f.other) : ''}`, en: `is already fixed for ${f.other !== undefined ? stationName(f.other) : ''}` },
    }[f.why]
    out.push(explanation(p.stations[f.station].id, {}, `${s}的固定日期${d.zh}${why.zh}`, `the fixed date ${d.en} of ${s} ${why.en}`, p.stations[f.station].name))
  }
  p.fixedDays.forEach((days, j) => {
    if (days.length > 1 && days[days.length - 1] - days[0] + 1 > L) {
      const s = stationName(j)
      out.push(
        explanation(p.stations[j].id, { fixedDates: days.length, daysPerVisit: L },
          `${s}的固定日期跨越超过${L}个连续工作日，无法在一次督导内完成；${visitWords.zh}`,
          `the fixed dates of ${s} span more than ${L} consecutive working days, more than one visit; ${visitWords.en}`, p.stations[j].name),
      )
    }
  })
  const unavailable = p.unavailable.filter(Boolean).length
  const need = n * L
  if (need > m - unavailable) {
    const zhU = unavailable > 0 ? `；其中${unavailable}个督导不可用` : ''
    const enU = unavailable > 0 ? `; ${unavailable} ${unavailable === 1 ? 'is' : 'are'} unavailable` : ''
    out.push(
      explanation('month', { workingDays: m, stations: n, daysNeeded: need, unavailable },
        `${month.zh}有${m}个工作日；${n}个社工站需要${need}个${zhU}；${visitWords.zh}`,
        `${month.en} has ${m} working days; ${n} stations need ${need}${enU}; ${visitWords.en}`),
    )
    return out
  }
  // Free working days fall in runs between unavailable days; a visit fits within one run.
  const runs: number[] = []
  let run = 0
  for (let i = 0; i <= m; i++) {
    if (i < m && !p.unavailable[i]) run++
    else if (run > 0) {
      runs.push(run)
      run = 0
    }
  }
  const fit = runs.reduce((a, r) => a + Math.floor(r / L), 0)
  if (fit < n) {
    out.push(
      explanation('month', { workingDays: m, stations: n, unavailable, visitsThatFit: fit },
        `${month.zh}可用的工作日分为${runs.length}段（${runs.join('、')}天），最多容纳${fit}次督导；${n}个社工站需要${n}次；${visitWords.zh}`,
        `the free working days of ${month.en} fall in ${runs.length} runs (${runs.join(', ')} days) that hold at most ${fit} visits; ${n} stations need ${n}; ${visitWords.en}`),
    )
  }
  p.stations.forEach((s, j) => {
    let ok = false
    for (let i = 0; i + L <= m && !ok; i++) {
      let free = true
      for (let d = i; d < i + L && free; d++) free = !p.unavailable[d] && !p.blocked[j][d]
      ok = free
    }
    if (!ok) {
      out.push(
        explanation(s.id, { daysPerVisit: L },
          `${stationName(j)}在${month.zh}没有连续${L}个可安排的工作日（督导不可用或该站不可安排）`,
          `${stationName(j)} has no ${L} consecutive free working days in ${month.en} (supervisor unavailable or station blocked)`, s.name),
      )
    }
  })
  return out
}

/** The explanation when every count fits but no schedule keeps every station's dates. */
export function explainNoSchedule(p: VisitProblem): Infeasibility {
  const month = monthLabel(p.month)
  return explanation('month', { workingDays: p.days.length, stations: p.stations.length },
    `${month.zh}没有能同时满足各站不可安排日期和固定日期的督导安排（每站连续${p.daysPerVisit}个工作日，每天只去一个站）`,
    `no schedule of ${month.en} keeps every station's blocked and fixed dates (${p.daysPerVisit} consecutive working days per station, one station a day)`)
}
