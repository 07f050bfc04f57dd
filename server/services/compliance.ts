/**
 * The supervision compliance rules as pure functions (issue 11): the city group's inspection
 * share, yellow cards, training gaps, and the inspection plan of a quarter. No I/O: the
 * service (compliance.service.ts) reads the records and calls these.
 */
import { QUARTERLY_INSPECTION_SHARE, TRAINING_HOURS, YELLOW_CARD } from '../../solver/policy.js'
import { previousQuarter } from '../../solver/quarters.js'

/** Inspected stations of a scope in a quarter against the rule: `meets` when inspected ≥ ⌈50 % × stations⌉. */
export function inspectionShare(stations: number, inspected: number): { stations: number; inspected: number; share: number; required: number; meets: boolean } {
  // The epsilon keeps ⌈0.5 × 100⌉ = 50 whatever the float rounding of a share like 0.3 × 10.
  const required = Math.max(0, Math.ceil(QUARTERLY_INSPECTION_SHARE.value * stations - 1e-9))
  return { stations, inspected, share: stations ? inspected / stations : 0, required, meets: inspected >= required }
}

/**
 * Whether a station holds a yellow card at `quarter`: its score there and in each of the
 * quarters right before it (YELLOW_CARD.consecutiveQuarters in all) is below 80. A quarter
 * without a score breaks the run, so the card appears exactly at the second consecutive
 * quarter below 80.
 */
export function hasYellowCard(scores: ReadonlyMap<string, number>, quarter: string): boolean {
  const { scoreBelow, consecutiveQuarters } = YELLOW_CARD.value
  let q = quarter
  for (let i = 0; i < consecutiveQuarters; i++) {
    const s = scores.get(q)
    if (s === undefined || s >= scoreBelow) return false
    q = previousQuarter(q)
  }
  return true
}

/** A worker's training hours and what the rule says about them (TRAINING_HOURS). */
export function trainingStatus(preJobHours: number, professionalHours: number): { preJobShort: number; professionalShort: number } {
  const { preJob, perYear } = TRAINING_HOURS.value
  return { preJobShort: Math.max(0, round1(preJob - preJobHours)), professionalShort: Math.max(0, round1(perYear - professionalHours)) }
}

const round1 = (x: number) => Math.round(x * 10) / 10

/** What the inspection plan knows of a station. */
export interface PlanStation {
  id: string
  countyCode: string
  /** Inspected already in the plan's quarter (it counts towards the share). */
  inspectedThisQuarter: boolean
  inspectedLastQuarter: boolean
  /** The latest score before the plan's quarter, if any. */
  lastScore: number | null
  /** A yellow card at the quarter before the plan's. */
  yellowCard: boolean
}

export const INSPECTION_REASONS = [
  'alreadyInspected',
  'notInspectedLastQuarter',
  'inspectedLastQuarter',
  'yellowCard',
  'lowScore',
  'noScore',
  'countyRepresented',
  'priority',
  'shareReached',
] as const
export type InspectionReason = (typeof INSPECTION_REASONS)[number]

export interface PlannedStation {
  id: string
  /** Position in the priority order, 1 = first. */
  rank: number
  selected: boolean
  reasons: InspectionReason[]
}

export interface InspectionPlanResult {
  stations: number
  /** ⌈50 % × stations⌉ (QUARTERLY_INSPECTION_SHARE). */
  required: number
  selected: number
  counties: number
  plan: PlannedStation[]
}

/**
 * The priority order: stations inspected this quarter first (they are done), then those not
 * inspected last quarter, then by their latest score, lowest first (never scored before the
 * lowest: nothing is known of them), then by id, so the order is total and the plan
 * deterministic.
 */
export function priorityOrder(stations: readonly PlanStation[]): PlanStation[] {
  const key = (s: PlanStation): [number, number, number] => [s.inspectedThisQuarter ? 0 : 1, s.inspectedLastQuarter ? 1 : 0, s.lastScore ?? -1]
  return [...stations].sort((a, b) => {
    const [x, y] = [key(a), key(b)]
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  })
}

/**
 * Which stations the city group visits in a quarter: at least ⌈50 %⌉ of them, every county
 * with a station represented, the stations already inspected this quarter kept, and among
 * the sets doing so the best by the priority order.
 *
 * Size: k = max(⌈50 % × n⌉, d + u), d the stations inspected already, u the counties without
 * one of them (each needs one more station); no valid set is smaller, and k ≤ n.
 *
 * Choice (greedy with reservation): walk the priority order; take a station when the set
 * can still be completed to a valid one from the stations after it, i.e. when the slots left
 * after taking it are at least the counties still uncovered (a station of an uncovered
 * county is then always taken, so every county is covered, and the already inspected ones,
 * first in the order, are all taken since k ≥ d + u).
 *
 * Proof sketch that this is exact: order sets by their ranks sorted ascending, compared
 * lexicographically (the best set has the best first station, then the best second …). The
 * best valid set contains the first station r₁ that belongs to any valid set; among valid
 * sets containing r₁, the best contains the next station r₂ > r₁ for which {r₁, r₂} can be
 * completed from stations after r₂; and so on. "Can be completed from later stations" is
 * exactly the test above (enough later stations exist since k ≤ n and each uncovered county
 * keeps its stations: they are never skipped). So each step of the walk is the step of the
 * optimum, for any instance. test/unit/compliance.test.ts checks it against brute force.
 */
export function planInspections(stations: readonly PlanStation[]): InspectionPlanResult {
  const n = stations.length
  const order = priorityOrder(stations)
  const counties = new Set(stations.map((s) => s.countyCode))
  const done = order.filter((s) => s.inspectedThisQuarter)
  const coveredByDone = new Set(done.map((s) => s.countyCode))
  const required = inspectionShare(n, 0).required
  const k = Math.max(required, done.length + (counties.size - coveredByDone.size))
  const chosen = new Set<string>()
  const covered = new Set<string>()
  // Taken after a station of higher priority was left out: there for its county only.
  const forCounty = new Set<string>()
  let skipped = false
  for (const s of order) {
    if (chosen.size === k) break
    const uncoveredAfter = counties.size - covered.size - (covered.has(s.countyCode) ? 0 : 1)
    if (!s.inspectedThisQuarter && k - chosen.size - 1 < uncoveredAfter) {
      skipped = true
      continue
    }
    chosen.add(s.id)
    if (skipped) forCounty.add(s.id)
    covered.add(s.countyCode)
  }
  const plan = order.map((s, i): PlannedStation => {
    const selected = chosen.has(s.id)
    const reasons: InspectionReason[] = []
    if (s.inspectedThisQuarter) reasons.push('alreadyInspected')
    reasons.push(s.inspectedLastQuarter ? 'inspectedLastQuarter' : 'notInspectedLastQuarter')
    if (s.yellowCard) reasons.push('yellowCard')
    if (s.lastScore === null) reasons.push('noScore')
    else if (s.lastScore < YELLOW_CARD.value.scoreBelow) reasons.push('lowScore')
    if (selected && !s.inspectedThisQuarter) reasons.push(forCounty.has(s.id) ? 'countyRepresented' : 'priority')
    if (!selected) reasons.push('shareReached')
    return { id: s.id, rank: i + 1, selected, reasons }
  })
  return { stations: n, required, selected: chosen.size, counties: counties.size, plan }
}

/** The reasons in words (zh first), for the plan's answer. */
export const INSPECTION_REASON_TEXT: Record<InspectionReason, { zh: string; en: string }> = {
  alreadyInspected: { zh: '本季度已走访，计入比例', en: 'already inspected this quarter; counts towards the share' },
  notInspectedLastQuarter: { zh: '上季度未走访，优先', en: 'not inspected last quarter: comes first' },
  inspectedLastQuarter: { zh: '上季度已走访', en: 'inspected last quarter' },
  yellowCard: { zh: '已亮黄牌（连续两季度低于80分）', en: 'holds a yellow card (two consecutive quarters below 80)' },
  lowScore: { zh: '最近一次考核低于80分，优先', en: 'latest score below 80: comes first' },
  noScore: { zh: '尚无考核得分，优先', en: 'never scored: comes first' },
  countyRepresented: { zh: '为覆盖本县（区）而入选', en: 'chosen so that its county is represented' },
  priority: { zh: '按优先顺序入选', en: 'chosen by the priority order' },
  shareReached: { zh: '优先站点已满足50%及各县覆盖', en: 'the 50 % share and every county are met by stations of higher priority' },
}
