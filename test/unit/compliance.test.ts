/**
 * The supervision compliance rules as pure functions (server/services/compliance.ts) and the
 * quarters of solver/quarters.ts: each rule by hand, and the inspection plan against brute
 * force over every valid set on small instances.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hasYellowCard, inspectionShare, planInspections, priorityOrder, trainingStatus, type PlanStation } from '../../server/services/compliance.js'
import { currentQuarter, lastCompleteQuarter, quarterMonths, quarterOfDate, quarterRange, quartersEndingAt, shanghaiDate, shiftQuarter } from '../../solver/quarters.js'

describe('quarters (Asia/Shanghai)', () => {
  it('does quarter arithmetic across years', () => {
    expect(quarterOfDate('2025-12-31')).toBe('2025Q4')
    expect(quarterOfDate('2026-01-01')).toBe('2026Q1')
    expect(quarterOfDate('2026-06-30')).toBe('2026Q2')
    expect(shiftQuarter('2026Q1', -1)).toBe('2025Q4')
    expect(shiftQuarter('2025Q4', 1)).toBe('2026Q1')
    // The first quarter the API takes has history before it (found by the fuzz tier: a 500 on 2000Q1).
    expect(quartersEndingAt('2000Q1', 3)).toEqual(['1999Q3', '1999Q4', '2000Q1'])
    expect(shiftQuarter('2000Q1', -2)).toBe('1999Q3')
    expect(quartersEndingAt('2026Q2', 4)).toEqual(['2025Q3', '2025Q4', '2026Q1', '2026Q2'])
    expect(quarterMonths('2026Q4')).toEqual(['2026-10', '2026-11', '2026-12'])
    expect(quarterRange('2026Q4')).toEqual({ from: '2026-10-01', until: '2027-01-01' })
  })

  it('takes today and the quarter in Shanghai, not in the server time zone', () => {
    // 2026-12-31T16:30Z is 00:30 on New Year's Day in Shanghai.
    const nye = new Date('2026-12-31T16:30:00Z')
    expect(shanghaiDate(nye)).toBe('2027-01-01')
    expect(currentQuarter(nye)).toBe('2027Q1')
    expect(lastCompleteQuarter(nye)).toBe('2026Q4')
    expect(currentQuarter(new Date('2026-12-31T15:59:59Z'))).toBe('2026Q4')
  })
})

describe('the rules by hand', () => {
  it('flags 49 % inspected and not 50 % (QUARTERLY_INSPECTION_SHARE)', () => {
    expect(inspectionShare(100, 49)).toMatchObject({ required: 50, meets: false, share: 0.49 })
    expect(inspectionShare(100, 50)).toMatchObject({ required: 50, meets: true })
    expect(inspectionShare(7, 3).meets).toBe(false) // 4 of 7 needed
    expect(inspectionShare(7, 4).meets).toBe(true)
    expect(inspectionShare(0, 0)).toMatchObject({ required: 0, meets: true, share: 0 })
  })

  it('shows a yellow card exactly at the second consecutive quarter below 80; a gap breaks the run', () => {
    const s = new Map([['2025Q1', 85], ['2025Q2', 75], ['2025Q3', 79.9], ['2025Q4', 80], ['2026Q2', 60], ['2026Q3', 70]])
    expect(hasYellowCard(s, '2025Q1')).toBe(false)
    expect(hasYellowCard(s, '2025Q2')).toBe(false) // first below 80
    expect(hasYellowCard(s, '2025Q3')).toBe(true) // second in a row
    expect(hasYellowCard(s, '2025Q4')).toBe(false) // 80 is not below 80
    expect(hasYellowCard(s, '2026Q2')).toBe(false) // 2026Q1 has no score
    expect(hasYellowCard(s, '2026Q3')).toBe(true)
    expect(hasYellowCard(new Map([['2025Q4', 70], ['2026Q1', 70]]), '2026Q1')).toBe(true) // across New Year
  })

  it('measures training against 15 h pre-job and 48 h a year', () => {
    expect(trainingStatus(15, 48)).toEqual({ preJobShort: 0, professionalShort: 0 })
    expect(trainingStatus(14.5, 47.5)).toEqual({ preJobShort: 0.5, professionalShort: 0.5 })
    expect(trainingStatus(0, 0)).toEqual({ preJobShort: 15, professionalShort: 48 })
  })
})

const station = (id: string, countyCode: string, more: Partial<PlanStation> = {}): PlanStation => ({
  id,
  countyCode,
  inspectedThisQuarter: false,
  inspectedLastQuarter: false,
  lastScore: 90,
  yellowCard: false,
  ...more,
})

/** The best valid set by brute force: every set of size k keeping the done stations and covering every county, best ranks first. */
function bruteForce(stations: PlanStation[], k: number): string[] {
  const order = priorityOrder(stations).map((s) => s.id)
  const rank = new Map(order.map((id, i) => [id, i]))
  const counties = new Set(stations.map((s) => s.countyCode))
  let best: number[] | null = null
  const n = stations.length
  for (let mask = 0; mask < 1 << n; mask++) {
    const set = stations.filter((_, i) => mask & (1 << i))
    if (set.length !== k) continue
    if (stations.some((s, i) => s.inspectedThisQuarter && !(mask & (1 << i)))) continue
    if (new Set(set.map((s) => s.countyCode)).size !== counties.size) continue
    const ranks = set.map((s) => rank.get(s.id)!).sort((a, b) => a - b)
    if (!best || lexLess(ranks, best)) best = ranks
  }
  return best ? best.map((r) => order[r]).sort() : []
}
const lexLess = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i]
  return false
}

describe('the inspection plan', () => {
  it('takes at least half, every county, the not-inspected and low scorers first, by hand', () => {
    const stations = [
      station('a1', 'A', { inspectedLastQuarter: true, lastScore: 95 }),
      station('a2', 'A', { lastScore: 70, yellowCard: true }),
      station('a3', 'A', { lastScore: null }),
      station('a4', 'A', { inspectedLastQuarter: true, lastScore: 60 }),
      station('b1', 'B', { inspectedLastQuarter: true, lastScore: 99 }),
      station('b2', 'B', { inspectedLastQuarter: true, lastScore: 98 }),
    ]
    const r = planInspections(stations)
    expect(r).toMatchObject({ stations: 6, required: 3, selected: 3, counties: 2 })
    // Order: not inspected last quarter (a3 never scored, a2 70), then inspected (a4 60, b2 98, b1 99, a1 95 … by score).
    expect(r.plan.map((p) => p.id)).toEqual(['a3', 'a2', 'a4', 'a1', 'b2', 'b1'])
    expect(r.plan.filter((p) => p.selected).map((p) => p.id)).toEqual(['a3', 'a2', 'b2'])
    const b2 = r.plan.find((p) => p.id === 'b2')!
    expect(b2.reasons).toEqual(['inspectedLastQuarter', 'countyRepresented'])
    expect(r.plan.find((p) => p.id === 'a2')!.reasons).toEqual(['notInspectedLastQuarter', 'yellowCard', 'lowScore', 'priority'])
    expect(r.plan.find((p) => p.id === 'a4')!.reasons).toEqual(['inspectedLastQuarter', 'lowScore', 'shareReached'])
  })

  it('keeps the stations inspected already this quarter and grows when counties need more than half', () => {
    const stations = [station('a1', 'A', { inspectedThisQuarter: true }), station('a2', 'A', { inspectedThisQuarter: true }), station('a3', 'A'), station('b1', 'B'), station('c1', 'C')]
    const r = planInspections(stations)
    expect(r.required).toBe(3)
    expect(r.selected).toBe(4) // a1, a2 done + one each for B and C
    expect(r.plan.filter((p) => p.selected).map((p) => p.id).sort()).toEqual(['a1', 'a2', 'b1', 'c1'])
  })

  it('is the best valid set by the priority order, against brute force (fast-check)', () => {
    const instance = fc.array(
      fc.record({
        county: fc.constantFrom('A', 'B', 'C', 'D'),
        doneMaybe: fc.integer({ min: 0, max: 9 }),
        last: fc.boolean(),
        score: fc.option(fc.integer({ min: 50, max: 100 }), { nil: null }),
      }),
      { minLength: 1, maxLength: 10 },
    )
    fc.assert(
      fc.property(instance, (rows) => {
        const stations = rows.map((r, i) => station(`s${String(i).padStart(2, '0')}`, r.county, { inspectedThisQuarter: r.doneMaybe === 0, inspectedLastQuarter: r.last, lastScore: r.score }))
        const r = planInspections(stations)
        const chosen = r.plan.filter((p) => p.selected).map((p) => p.id).sort()
        // Properties: ≥ ⌈50 %⌉, every county, the done ones kept.
        expect(chosen.length).toBeGreaterThanOrEqual(Math.ceil(stations.length / 2))
        expect(new Set(stations.filter((s) => chosen.includes(s.id)).map((s) => s.countyCode))).toEqual(new Set(stations.map((s) => s.countyCode)))
        for (const s of stations) if (s.inspectedThisQuarter) expect(chosen).toContain(s.id)
        // Exact: the brute-force optimum of the same size.
        expect(chosen).toEqual(bruteForce(stations, r.selected))
        // Deterministic: the input order does not matter.
        expect(planInspections([...stations].reverse())).toEqual(r)
      }),
      { numRuns: 300 },
    )
  })
})
