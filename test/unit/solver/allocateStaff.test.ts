// allocateStaff: every rule holds on random counties; the min-max measure is optimal;
// infeasible inputs are explained by town and rule.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allocateStaff, verifyAllocation, type AllocateStaffInput, type CountyInput } from '../../../solver/index.js'
import { STATION_ADMIN_POSTS_MIN, TOWN_SERVICE_POSTS_PER_VILLAGE } from '../../../solver/policy.js'
import { syntheticCounties } from '../../../solver/benchmarks/synthetic.js'

/** A small random county (one county, 1-3 towns, 1-3 points each) whose today's staffing meets the rules. */
const countyArb = fc
  .record({
    towns: fc.array(
      fc.record({
        points: fc.array(fc.record({ villages: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 0, maxLength: 4 }), workers: fc.integer({ min: 1, max: 5 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        admin: fc.integer({ min: 2, max: 4 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    extra: fc.integer({ min: -8, max: 4 }),
    allowCross: fc.boolean(),
    within: fc.constantFrom(0, 0.5, 1),
  })
  .map(({ towns, extra, allowCross, within }): AllocateStaffInput => {
    const county: CountyInput = {
      code: 'C1',
      name: '测试县',
      towns: towns.map((t, ti) => {
        const code = `T${ti}`
        const villageCount = t.points.reduce((a, p) => a + p.villages.length, 0)
        const service = t.points.reduce((a, p) => a + p.workers, 0)
        // Top up the first point so that today's staffing meets "service posts ≥ villages".
        const points = t.points.map((p, k) => ({ id: `${code}-P${k}`, workers: p.workers + (k === 0 ? Math.max(0, villageCount - service) : 0) }))
        return {
          code,
          name: `镇${ti}`,
          station: { id: `${code}-S`, adminPosts: t.admin },
          points,
          villages: t.points.flatMap((p, k) => p.villages.map((pop, v) => ({ code: `${code}-${k}-${v}`, population: pop, pointId: `${code}-P${k}` }))),
        }
      }),
    }
    const today = county.towns.reduce((a, t) => a + t.station.adminPosts + t.points.reduce((b, p) => b + p.workers, 0), 0)
    return { counties: [{ ...county, budget: Math.max(0, today + extra) }], allowTransfers: allowCross, movePenalty: { withinTown: within, acrossTowns: 1.5 } }
  })

/**
 * The least largest demand per worker, by enumerating every allocation (tiny counties only),
 * under the town-employer rule (no coordinates, so no transfers): every town keeps its
 * workers and recruits; below `keep` (today + what the rules need) a town may shrink, and
 * grows only to what the rules need.
 */
function bruteMinMax(input: AllocateStaffInput): number | null {
  const c = input.counties[0]
  const points = c.towns.flatMap((t) => t.points.map((p) => ({ town: t.code, demand: t.villages.filter((v) => v.pointId === p.id).reduce((a, v) => a + (v.population ?? 0), 0) })))
  const today = new Map(c.towns.map((t) => [t.code, t.station.adminPosts + t.points.reduce((a, p) => a + p.workers, 0)]))
  const ruleNeed = new Map(c.towns.map((t) => [t.code, STATION_ADMIN_POSTS_MIN.value + Math.max(t.villages.length * TOWN_SERVICE_POSTS_PER_VILLAGE.value, t.points.length)]))
  const keep = c.towns.reduce((a, t) => a + Math.max(today.get(t.code)!, ruleNeed.get(t.code)!), 0)
  const budget = c.budget ?? keep
  if (points.length > 5 || budget > 24) return null
  const minTownService = new Map(c.towns.map((t) => [t.code, t.villages.length * TOWN_SERVICE_POSTS_PER_VILLAGE.value]))
  let best = Infinity
  const posts = new Array(points.length).fill(1)
  const rec = (k: number, used: number) => {
    if (k === points.length) {
      const service = new Map<string, number>()
      points.forEach((p, i) => service.set(p.town, (service.get(p.town) ?? 0) + posts[i]))
      let low = 0
      for (const t of c.towns) {
        const s = service.get(t.code) ?? 0
        if (s < (minTownService.get(t.code) ?? 0)) return
        const least = s + STATION_ADMIN_POSTS_MIN.value
        if (budget < keep) {
          // Shrinking: a town grows only to what the rules need; admin posts absorb the rest.
          if (least > Math.max(today.get(t.code)!, ruleNeed.get(t.code)!)) return
          low += least
        } else low += Math.max(least, today.get(t.code)!)
      }
      if (low > budget) return
      best = Math.min(best, Math.max(0, ...points.map((p, i) => p.demand / posts[i])))
      return
    }
    for (let x = 1; used + x <= budget; x++) {
      posts[k] = x
      rec(k + 1, used + x)
    }
  }
  rec(0, 0)
  return best
}

describe('allocateStaff', () => {
  it('meets every rule on random counties, and its first measure is the true min-max', async () => {
    let compared = 0
    let explained = 0
    await fc.assert(
      fc.asyncProperty(countyArb, async (input) => {
        const r = await allocateStaff(input)
        if (r.status === 'infeasible') {
          expect(r.explanations?.length).toBeGreaterThan(0)
          for (const e of r.explanations ?? []) {
            expect(e.message.zh.length).toBeGreaterThan(0)
            expect(e.message.en.length).toBeGreaterThan(0)
          }
          const brute = bruteMinMax(input)
          if (brute !== null) expect(brute).toBe(Infinity)
          explained++
          return
        }
        expect(r.status).toBe('optimal')
        expect(r.verified).toBe(true)
        expect(verifyAllocation(input, r)).toEqual([])
        const brute = bruteMinMax(input)
        if (brute !== null) {
          expect(r.counties[0].maxDemandPerWorker).toBeCloseTo(brute, 6)
          compared++
        }
      }),
      { numRuns: 80, seed: 20261123 },
    )
    // The property must have exercised both branches, not just passed vacuously.
    expect(compared).toBeGreaterThan(10)
    expect(explained).toBeGreaterThan(0)
  })

  it('recruits what a town short of the rules needs instead of declaring it infeasible: 马坝镇 has 18 villages but only 15 workers', async () => {
    const villages = Array.from({ length: 18 }, (_, k) => ({ code: `V${k}`, population: 1000, pointId: k < 9 ? 'P1' : 'P2' }))
    const town = { code: '440232100', name: '马坝镇', station: { id: 'S', adminPosts: 2 }, villages, points: [{ id: 'P1', workers: 7 }, { id: 'P2', workers: 6 }] }
    const r = await allocateStaff({ counties: [{ code: '440232', name: '曲江区', towns: [town] }] })
    expect(r.status).toBe('optimal')
    expect(r.counties[0]).toMatchObject({ budget: 20, today: 15, keep: 20, recruits: 5, released: 0, transfers: [] })
    // With a budget of 15 the rules cannot hold: explained in domain words before solving.
    const short = await allocateStaff({ counties: [{ code: '440232', name: '曲江区', budget: 15, towns: [town] }] })
    expect(short.status).toBe('infeasible')
    const e = short.explanations?.[0]
    expect(e).toMatchObject({ rule: 'TOWN_SERVICE_POSTS_PER_VILLAGE', code: '440232', numbers: { required: 20, budget: 15 } })
    expect(e?.message.zh).toContain('马坝镇需20人、现有15人')
    expect(e?.message.en).toMatch(/马坝镇 needs 20, has 15/)
  })

  it('explains a county whose budget cannot meet the rules, and uncovered villages', async () => {
    const [county] = syntheticCounties(5, 1, 3, 40)
    const r = await allocateStaff({ counties: [{ ...county, budget: 20 }] })
    expect(r.status).toBe('infeasible')
    expect(r.explanations?.[0]).toMatchObject({ rule: 'TOWN_SERVICE_POSTS_PER_VILLAGE', code: county.code, numbers: { budget: 20 } })
    const uncovered = structuredClone(county)
    uncovered.towns[0].villages[0].pointId = null
    const r2 = await allocateStaff({ counties: [uncovered] })
    expect(r2.explanations?.[0]).toMatchObject({ rule: 'VILLAGE_COVERAGE', code: county.towns[0].code })
  })

  it('solves a city county by county and never moves a worker across counties', async () => {
    const counties = syntheticCounties(11, 3, 12, 150)
    const r = await allocateStaff({ counties })
    expect(r.status).toBe('optimal')
    expect(r.counties).toHaveLength(3)
    r.counties.forEach((c, i) => {
      const today = counties[i].towns.reduce((a, t) => a + t.station.adminPosts + t.points.reduce((b, p) => b + p.workers, 0), 0)
      const planned = c.towns.reduce((a, t) => a + t.adminPosts + t.servicePosts, 0)
      // Each town keeps its workers; the rules' shortfalls are recruited.
      expect(c.released).toBe(0)
      expect(planned).toBe(today + c.recruits)
      expect(c.transfers).toEqual([])
    })
    expect(verifyAllocation({ counties }, r)).toEqual([])
  })

  it('with transfers forbidden (the old name allowCrossTownMoves too) every town keeps its workers and only recruits', async () => {
    const counties = syntheticCounties(12, 1, 5, 60)
    const r = await allocateStaff({ counties, allowCrossTownMoves: false })
    expect(r.status).toBe('optimal')
    expect(r.parameters.allowTransfers).toBe(false)
    expect(r.counties[0].moves.transfers).toBe(0)
    r.counties[0].towns.forEach((t) => expect(t.adminPosts + t.servicePosts).toBe(t.today.adminPosts + t.today.servicePosts + t.recruits))
  })

  it('a higher move penalty never increases the number of moves', async () => {
    const counties = syntheticCounties(13, 1, 6, 80)
    const cheap = await allocateStaff({ counties, movePenalty: { withinTown: 0, acrossTowns: 0 } })
    const dear = await allocateStaff({ counties, movePenalty: { withinTown: 5, acrossTowns: 10 } })
    const moves = (r: typeof cheap) => r.counties[0].moves.withinTown + r.counties[0].moves.transfers
    expect(moves(dear)).toBeLessThanOrEqual(moves(cheap))
    expect(dear.counties[0].maxDemandPerWorker).toBe(cheap.counties[0].maxDemandPerWorker)
  })
})
