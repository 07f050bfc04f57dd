// planVisits: exact (brute force agrees), every plan keeps every rule (independent verifier),
// February 2026 with 8 stations, infeasible months explained, 2027 tentative.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planVisits, verifyVisitPlan, SolverInputError, type PlanVisitsInput, type Visit } from '../../../solver/index.js'
import { seededRandom } from '../../../solver/benchmarks/synthetic.js'

/** February 2026's working days (State Council notice: 15-23 off, Saturdays 14 and 28 worked). */
const FEB_2026 = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13', '14', '24', '25', '26', '27', '28'].map((d) => `2026-02-${d}`)
const place = (rand: () => number): [number, number] => [113 + rand(), 24.5 + rand()]
const stationsOf = (n: number, seed: number) => {
  const rand = seededRandom(seed)
  return Array.from({ length: n }, (_, i) => ({ id: `st-${i}`, name: `站${i}`, lnglat: place(rand) }))
}

/** Every schedule of one visit per station, scored by the verifier: the lexicographic optimum. */
function bruteForce(input: PlanVisitsInput, daysPerVisit: number): { metres: number; spread: number } | null {
  const days = input.workingDays
  const starts = days.length - daysPerVisit + 1
  let best: { metres: number; spread: number } | null = null
  const chosen: Visit[] = []
  const go = (j: number) => {
    if (j === input.stations.length) {
      const v = verifyVisitPlan(input, { visits: chosen })
      if (!v.ok) return
      if (!best || v.totalMetres < best.metres || (v.totalMetres === best.metres && v.spreadDays < best.spread - 1e-9)) best = { metres: v.totalMetres, spread: v.spreadDays }
      return
    }
    for (let s = 0; s < starts; s++) {
      const dates = days.slice(s, s + daysPerVisit)
      if (chosen.some((c) => c.dates.some((d) => dates.includes(d)))) continue
      chosen.push({ stationId: input.stations[j].id, dates, hours: daysPerVisit * (input.hoursPerDay ?? 8) })
      go(j + 1)
      chosen.pop()
    }
  }
  go(0)
  return best
}

/** Small random months: 1-4 stations, 4-10 working days of March 2026, random rules. */
const smallMonth = fc
  .record({
    seed: fc.integer({ min: 1, max: 1e6 }),
    n: fc.integer({ min: 1, max: 4 }),
    m: fc.integer({ min: 4, max: 10 }),
    hoursPerDay: fc.constantFrom(8, 8, 6, 16),
    unavailable: fc.integer({ min: 0, max: 2 }),
    blocked: fc.integer({ min: 0, max: 3 }),
    fixed: fc.boolean(),
  })
  .map(({ seed, n, m, hoursPerDay, unavailable, blocked, fixed }): PlanVisitsInput => {
    const rand = seededRandom(seed)
    const all = Array.from({ length: 31 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`)
    const workingDays = all.filter(() => rand() < 0.6).slice(0, m)
    const pick = () => workingDays[Math.floor(rand() * workingDays.length)]
    const stations = stationsOf(n, seed)
    const input: PlanVisitsInput = { month: '2026-03', base: place(rand), stations, workingDays, hoursPerDay, unavailable: Array.from({ length: unavailable }, pick).filter(Boolean) }
    input.blocked = Object.fromEntries(Array.from({ length: blocked }, () => [stations[Math.floor(rand() * n)].id, [pick()].filter(Boolean)]))
    if (fixed && workingDays.length) input.fixed = { [stations[0].id]: [pick()] }
    return input
  })

describe('planVisits', () => {
  it('plans February 2026 for 8 stations, only with no unavailable day: every working day used, verified optimal', async () => {
    const input = { month: '2026-02', base: [113.6, 24.8] as [number, number], stations: stationsOf(8, 7), workingDays: FEB_2026 }
    const r = await planVisits(input)
    expect(r).toMatchObject({ status: 'optimal', verified: true, tentative: false, warnings: [], daysPerVisit: 2 })
    expect(r.visits.map((v) => v.stationId).sort()).toEqual(input.stations.map((s) => s.id))
    expect(r.visits.flatMap((v) => v.dates).sort()).toEqual(FEB_2026)
    expect(r.visits.every((v) => v.hours === 16)).toBe(true)
    expect(verifyVisitPlan(input, r).ok).toBe(true)
    // The 2026-02-14 (adjusted Saturday) to 02-24 visit spans the Spring Festival: consecutive working days.
    expect(r.visits.some((v) => v.dates.join() === '2026-02-14,2026-02-24')).toBe(true)
    for (const unavailable of [['2026-02-10'], ['2026-02-03', '2026-02-25']]) {
      const bad = await planVisits({ ...input, unavailable })
      expect(bad).toMatchObject({ status: 'infeasible', verified: false, visits: [], totalKm: null })
      const [e] = bad.explanations!
      expect(e).toMatchObject({ rule: 'SUPERVISION_VISITS', code: 'month', numbers: { workingDays: 16, stations: 8, daysNeeded: 16, unavailable: unavailable.length } })
      const u = unavailable.length
      expect(e.message.en).toMatch(new RegExp(`^February 2026 has 16 working days; 8 stations need 16; ${u} (is|are) unavailable`))
      expect(e.message.zh).toMatch(new RegExp(`^2026年2月有16个工作日；8个社工站需要16个；其中${u}个督导不可用`))
    }
  })

  it('marks a month of an unpublished year tentative, with a warning naming the missing notice', async () => {
    const workingDays = ['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05', '2027-03-08', '2027-03-09', '2027-03-10', '2027-03-11', '2027-03-12']
    const r = await planVisits({ month: '2027-03', base: [113.6, 24.8], stations: stationsOf(5, 3), workingDays, calendar: { status: 'unpublished' } })
    expect(r).toMatchObject({ status: 'optimal', verified: true, tentative: true, calendarStatus: 'unpublished' })
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0].zh).toContain('《国务院办公厅关于2027年部分节假日安排的通知》尚未发布')
    expect(r.warnings[0].en).toMatch(/Tentative plan: the State Council has not yet published its notice on the 2027 holidays/)
  })

  it('follows the travel model: straight on when the next visit starts the next working day, else home', async () => {
    const base: [number, number] = [113, 24]
    const stations = [
      { id: 'a', lnglat: [113.1, 24] as [number, number] },
      { id: 'b', lnglat: [113.2, 24] as [number, number] },
      { id: 'c', lnglat: [113.3, 24] as [number, number] },
    ]
    const workingDays = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-09', '2026-03-10', '2026-03-11']
    const fixed = { a: ['2026-03-02', '2026-03-03'], b: ['2026-03-04', '2026-03-05'], c: ['2026-03-09', '2026-03-10'] }
    const r = await planVisits({ month: '2026-03', base, stations, workingDays, fixed, detourFactor: 1 })
    expect(r.visits.map((v) => [v.stationId, v.dates.join()])).toEqual([
      ['a', '2026-03-02,2026-03-03'],
      ['b', '2026-03-04,2026-03-05'],
      ['c', '2026-03-09,2026-03-10'],
    ])
    // a ends 03-03, b starts 03-04: straight on; b ends 03-05, c starts 03-09 (not the next working day 03-06): home.
    expect(r.legs.map((l) => `${l.fromId}>${l.toId}@${l.date}`)).toEqual(['base>a@2026-03-02', 'a>b@2026-03-04', 'b>base@2026-03-05', 'base>c@2026-03-09', 'c>base@2026-03-10'])
    expect(r.totalKm).toBeCloseTo(r.legs.reduce((s, l) => s + l.km, 0), 9)
    // detour factor scales every leg
    const r2 = await planVisits({ month: '2026-03', base, stations, workingDays, fixed, detourFactor: 1.3 })
    expect(r2.totalKm! / r.totalKm!).toBeCloseTo(1.3, 3)
  })

  it('agrees with brute force over all schedules on small months (exact), and proves infeasibility', async () => {
    await fc.assert(
      fc.asyncProperty(smallMonth, async (input) => {
        const r = await planVisits(input)
        const L = Math.ceil(16 / (input.hoursPerDay ?? 8))
        const best = bruteForce(input, L)
        if (best === null) {
          expect(r.status).toBe('infeasible')
          expect(r.explanations!.length).toBeGreaterThan(0)
          return
        }
        expect(r.status).toBe('optimal')
        expect(Math.round(r.totalKm! * 1000)).toBe(best.metres)
        expect(r.spreadDays).toBeCloseTo(best.spread, 9)
      }),
      { numRuns: 150, seed: 11 },
    )
  })

  it('returns only plans the independent verifier accepts (5-8 stations, random months and rules)', async () => {
    const arb = fc.record({ seed: fc.integer({ min: 1, max: 1e6 }), n: fc.integer({ min: 5, max: 8 }), unavailable: fc.integer({ min: 0, max: 4 }), blocked: fc.integer({ min: 0, max: 8 }) })
    await fc.assert(
      fc.asyncProperty(arb, async ({ seed, n, unavailable, blocked }) => {
        const rand = seededRandom(seed)
        const workingDays = Array.from({ length: 31 }, (_, i) => `2026-07-${String(i + 1).padStart(2, '0')}`).filter((_, i) => i % 7 !== 3 && i % 7 !== 4) // 23 days
        const pick = () => workingDays[Math.floor(rand() * workingDays.length)]
        const stations = stationsOf(n, seed)
        const input: PlanVisitsInput = {
          month: '2026-07',
          base: place(rand),
          stations,
          workingDays,
          unavailable: Array.from({ length: unavailable }, pick),
          blocked: Object.fromEntries(Array.from({ length: blocked }, () => [stations[Math.floor(rand() * n)].id, [pick(), pick()]])),
        }
        const r = await planVisits(input)
        if (r.status === 'infeasible') return expect(r.explanations!.length).toBeGreaterThan(0)
        expect(r.verified).toBe(true)
        const check = verifyVisitPlan(input, r)
        expect(check.violations).toEqual([])
        expect(check.legs).toEqual(r.legs)
      }),
      { numRuns: 40, seed: 5 },
    )
  })

  it('the verifier rejects a broken plan', async () => {
    const input = { month: '2026-02', base: [113.6, 24.8] as [number, number], stations: stationsOf(8, 7), workingDays: FEB_2026 }
    const r = await planVisits(input)
    const broken = (f: (v: Visit[]) => void, extra: Partial<PlanVisitsInput> = {}) => {
      const visits = structuredClone(r.visits)
      f(visits)
      return verifyVisitPlan({ ...input, ...extra }, { visits, totalKm: r.totalKm }).violations.join('\n')
    }
    expect(broken((v) => (v[0].dates[1] = '2026-02-15'))).toMatch(/not a working day/)
    expect(broken((v) => v[0].dates.pop())).toMatch(/no visit of at least 16 h/)
    expect(broken((v) => (v[1].dates = [...v[0].dates]))).toMatch(/two stations/)
    expect(broken(() => {}, { unavailable: [r.visits[0].dates[0]] })).toMatch(/unavailable/)
    expect(broken(() => {}, { blocked: { [r.visits[0].stationId]: [r.visits[0].dates[0]] } })).toMatch(/blocked/)
    expect(broken(() => {}, { fixed: { [r.visits[0].stationId]: [r.visits[1].dates[0]] } })).toMatch(/fixed date .* not kept/)
    expect(broken(() => {}, { detourFactor: 1.5 })).toMatch(/km reported/)
  })

  it('explains fixed dates that cannot be kept and stations blocked all month', async () => {
    const input = { month: '2026-02', base: [113.6, 24.8] as [number, number], stations: stationsOf(3, 2), workingDays: FEB_2026 }
    const r = await planVisits({ ...input, fixed: { 'st-0': ['2026-02-16'], 'st-1': ['2026-02-02', '2026-02-10'] } })
    expect(r.status).toBe('infeasible')
    const en = r.explanations!.map((e) => e.message.en)
    expect(en).toContain('the fixed date 16 February of 站0 is not a working day')
    expect(en.some((m) => m.startsWith('the fixed dates of 站1 span more than 2 consecutive working days'))).toBe(true)
    const blocked = await planVisits({ ...input, blocked: { 'st-2': FEB_2026.filter((_, i) => i % 2 === 0) } })
    expect(blocked.explanations!.map((e) => e.message.en)).toEqual(['站2 has no 2 consecutive free working days in February 2026 (supervisor unavailable or station blocked)'])
  })

  it('refuses malformed input naming the field', async () => {
    const ok = { month: '2026-02', base: [113.6, 24.8] as [number, number], stations: stationsOf(2, 1), workingDays: FEB_2026 }
    const field = async (bad: unknown) => {
      try {
        await planVisits(bad as PlanVisitsInput)
      } catch (e) {
        expect(e).toBeInstanceOf(SolverInputError)
        return (e as SolverInputError).field
      }
      return 'accepted'
    }
    expect(await field({ ...ok, month: '2026-13' })).toBe('month')
    expect(await field({ ...ok, workingDays: ['2026-03-02'] })).toBe('workingDays[0]')
    expect(await field({ ...ok, workingDays: ['2026-02-03', '2026-02-02'] })).toBe('workingDays[1]')
    expect(await field({ ...ok, hoursPerDay: 0 })).toBe('hoursPerDay')
    expect(await field({ ...ok, detourFactor: 0.5 })).toBe('detourFactor')
    expect(await field({ ...ok, blocked: { nope: [] } })).toBe('blocked.nope')
    expect(await field({ ...ok, fixed: { 'st-0': ['2026-02-30'] } })).toBe('fixed.st-0[0]')
    expect(await field({ ...ok, stations: stationsOf(13, 1) })).toBe('stations')
  })
})
