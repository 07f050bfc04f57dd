// assignWorkers and assignSupervisors: rules always hold; fewest moves; 5-8 stations each.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assignSupervisors, assignWorkers, type AssignWorkersInput } from '../../../solver/index.js'
import { seededRandom } from '../../../solver/benchmarks/synthetic.js'
import { SUPERVISOR_STATIONS } from '../../../solver/policy.js'

const workersArb = fc
  .record({ seed: fc.integer({ min: 1, max: 1e6 }), locations: fc.integer({ min: 1, max: 5 }), workers: fc.integer({ min: 0, max: 12 }), role: fc.boolean() })
  .map(({ seed, locations, workers, role }): AssignWorkersInput => {
    const rand = seededRandom(seed)
    const locs = Array.from({ length: locations }, (_, i) => ({
      id: `L${i}`,
      lnglat: [113 + rand(), 24 + rand()] as [number, number],
      posts: Math.floor(rand() * 4),
      ...(role && i === 0 ? { specialistPosts: { disability_committee: 1 } } : {}),
    }))
    if (role) locs[0].posts = Math.max(1, locs[0].posts)
    return {
      locations: locs,
      workers: Array.from({ length: workers }, (_, w) => ({
        id: `w${w}`,
        currentLocationId: rand() < 0.15 ? null : `L${Math.floor(rand() * locations)}`,
        home: [113 + rand(), 24 + rand()] as [number, number],
        role: role && rand() < 0.25 ? 'disability_committee' : null,
      })),
    }
  })

describe('assignWorkers', () => {
  it('fills posts, keeps specialists on their posts and makes the fewest moves', async () => {
    await fc.assert(
      fc.asyncProperty(workersArb, async (input) => {
        const r = await assignWorkers(input)
        expect(r.verified).toBe(true)
        const count = new Map<string, number>()
        for (const w of input.workers) {
          const to = r.assignment[w.id]
          if (to !== null) count.set(to, (count.get(to) ?? 0) + 1)
        }
        const posts = input.locations.reduce((a, l) => a + l.posts, 0)
        const placed = [...count.values()].reduce((a, b) => a + b, 0)
        for (const l of input.locations) expect(count.get(l.id) ?? 0).toBeLessThanOrEqual(l.posts)
        // Specialist posts only hold specialists; as many specialists as possible hold them.
        const spec = input.locations[0].specialistPosts?.disability_committee ?? 0
        const specialists = input.workers.filter((w) => w.role === 'disability_committee')
        if (spec > 0) {
          const vacancy = r.vacancies.find((v) => v.role === 'disability_committee')?.count ?? 0
          expect(spec - vacancy).toBe(Math.min(spec, specialists.length))
        }
        // Without roles every worker is placed when posts allow, and moves meet the lower bound.
        if (!input.locations.some((l) => l.specialistPosts)) {
          expect(placed).toBe(Math.min(posts, input.workers.length))
          const stay = input.locations.reduce((a, l) => a + Math.min(l.posts, input.workers.filter((w) => w.currentLocationId === l.id).length), 0)
          // Everyone placed who is not among the most possible stayers has moved.
          expect(r.totalMoves).toBe(placed - stay)
        }
      }),
      { numRuns: 50 },
    )
  })

  it('prefers the mover who lives nearer the new post', async () => {
    const r = await assignWorkers({
      locations: [
        { id: 'A', lnglat: [113.0, 24.0], posts: 1 },
        { id: 'B', lnglat: [113.5, 24.0], posts: 1 },
      ],
      workers: [
        { id: 'far', currentLocationId: 'A', home: [112.9, 24.0] },
        { id: 'near', currentLocationId: 'A', home: [113.45, 24.0] },
      ],
    })
    expect(r.assignment).toEqual({ far: 'A', near: 'B' })
    expect(r.totalMoves).toBe(1)
  })
})

describe('assignSupervisors', () => {
  it('gives every supervisor 5-8 stations, each station one supervisor', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 4 }), async (seed, K) => {
        const rand = seededRandom(seed)
        const { min, max } = SUPERVISOR_STATIONS.value
        const n = min * K + Math.floor(rand() * ((max - min) * K + 1))
        const input = {
          stations: Array.from({ length: n }, (_, i) => ({ id: `S${i}`, lnglat: [113 + rand(), 24 + rand()] as [number, number] })),
          supervisors: Array.from({ length: K }, (_, k) => ({ id: `D${k}`, base: [113 + rand(), 24 + rand()] as [number, number] })),
        }
        const r = await assignSupervisors(input)
        expect(r.status).toBe('optimal')
        expect(Object.keys(r.assignment)).toHaveLength(n)
        for (const s of r.supervisors) {
          expect(s.stations.length).toBeGreaterThanOrEqual(min)
          expect(s.stations.length).toBeLessThanOrEqual(max)
        }
        expect(r.totalDistanceM as number).toBeLessThanOrEqual((r.minDistanceM as number) * 1.05 + 1e-3)
      }),
      { numRuns: 25 },
    )
  })

  it('explains too few supervisors', async () => {
    const stations = Array.from({ length: 17 }, (_, i) => ({ id: `S${i}`, lnglat: [113, 24] as [number, number] }))
    const r = await assignSupervisors({ stations, supervisors: [{ id: 'D1', base: [113, 24] }, { id: 'D2', base: [113, 24] }] })
    expect(r.status).toBe('infeasible')
    expect(r.explanations?.[0]).toMatchObject({ rule: 'SUPERVISOR_STATIONS', numbers: { stations: 17, supervisors: 2 } })
    expect(r.explanations?.[0].message.zh).toContain('17个社工站至少需要3名督导')
  })

  it('counts the stations a supervisor keeps outside the input: 5-8 holds for the total', async () => {
    const at = (i: number): [number, number] => [113 + i / 100, 24]
    const stations = Array.from({ length: 9 }, (_, i) => ({ id: `S${i}`, lnglat: at(i) }))
    // D1 keeps 6 stations elsewhere (so takes 0-2 here); D2 keeps none (5-8 here).
    const r = await assignSupervisors({ stations, supervisors: [{ id: 'D1', base: at(0), keep: 6 }, { id: 'D2', base: at(8) }] })
    expect(r.status).toBe('optimal')
    const load = Object.fromEntries(r.supervisors.map((s) => [s.id, s.stations.length]))
    expect(load.D1).toBeLessThanOrEqual(2)
    expect(load.D2).toBeGreaterThanOrEqual(7)
    expect(load.D1 + load.D2).toBe(9)
    // Without the kept stations, two supervisors could share 9 stations only as 5 + 4 — or not at all.
    const tooMany = await assignSupervisors({ stations, supervisors: [{ id: 'D1', base: at(0), keep: 8 }, { id: 'D2', base: at(8), keep: 4 }] })
    expect(tooMany.status).toBe('infeasible')
    expect(tooMany.explanations?.[0].message.en).toMatch(/9 stations are more than the 4 .*besides the 12 stations they keep/)
    const over = await assignSupervisors({ stations, supervisors: [{ id: 'D1', base: at(0), keep: 9 }, { id: 'D2', base: at(8) }] })
    expect(over.explanations?.[0]).toMatchObject({ code: 'D1', numbers: { keep: 9, max: 8 } })
    await expect(assignSupervisors({ stations, supervisors: [{ id: 'D1', base: at(0), keep: -1 }] })).rejects.toThrow(/keep/)
  })
})
