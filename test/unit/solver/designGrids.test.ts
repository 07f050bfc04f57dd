// designGrids: contiguous, balanced, optimal on small towns (checked by enumeration).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { designGrids, type DesignGridsInput } from '../../../solver/index.js'
import { haversineMetres } from '../../../solver/geo.js'
import { seededRandom, syntheticGridTowns } from '../../../solver/benchmarks/synthetic.js'

function connected(members: string[], adjacency: Array<[string, string]>): boolean {
  const set = new Set(members)
  const seen = new Set([members[0]])
  const stack = [members[0]]
  while (stack.length) {
    const v = stack.pop() as string
    for (const [a, b] of adjacency) {
      const u = a === v ? b : b === v ? a : null
      if (u && set.has(u) && !seen.has(u)) {
        seen.add(u)
        stack.push(u)
      }
    }
  }
  return seen.size === set.size
}

/** Optimum by enumerating every labelling into k contiguous, balanced units with their best hosts. */
function bruteForce(input: DesignGridsInput, k: number, tol: number): number {
  const vs = input.villages
  const n = vs.length
  const d = vs.map((v) => v.demand as number)
  const D = d.reduce((a, b) => a + b, 0)
  const km = (i: number, j: number) => (i === j ? 0 : Math.round(haversineMetres(vs[i].lnglat!, vs[j].lnglat!)) / 1000)
  let best = Infinity
  const label = new Array(n).fill(0)
  const rec = (i: number, used: number) => {
    if (i === n) {
      if (used !== k) return
      let total = 0
      for (let u = 0; u < k; u++) {
        const members = label.flatMap((l, idx) => (l === u ? [idx] : []))
        const dem = members.reduce((a, m) => a + d[m], 0)
        if (dem < ((1 - tol) * D) / k - 1e-9 || dem > ((1 + tol) * D) / k + 1e-9) return
        if (!connected(members.map((m) => vs[m].code), input.adjacency)) return
        total += Math.min(...members.map((h) => members.reduce((a, m) => a + d[m] * km(m, h), 0)))
      }
      best = Math.min(best, total)
      return
    }
    // Canonical labels: village i may open at most the next new label.
    for (let l = 0; l <= Math.min(used, k - 1); l++) {
      label[i] = l
      rec(i + 1, Math.max(used, l + 1))
    }
  }
  rec(0, 0)
  return best
}

const townArb = fc.record({ seed: fc.integer({ min: 1, max: 1e6 }), n: fc.integer({ min: 4, max: 8 }), k: fc.constantFrom(2, 3) }).map(({ seed, n, k }) => {
  const rand = seededRandom(seed)
  const [town] = syntheticGridTowns(seed, [n])
  // Random demands and a random subset of the planar adjacency (keep a spanning path).
  const villages = town.villages.map((v) => ({ code: v.code, lnglat: v.lnglat, demand: Math.round(200 + rand() * 1800) }))
  const adjacency = town.adjacency.filter((_, e) => e < n - 1 || rand() < 0.7)
  return { input: { town: town.town, villages, adjacency, units: k, balanceTolerance: 0.35 } as DesignGridsInput, k }
})

describe('designGrids', () => {
  it('returns contiguous balanced units at the enumerated optimum', async () => {
    let solved = 0
    await fc.assert(
      fc.asyncProperty(townArb, async ({ input, k }) => {
        const best = bruteForce(input, k, 0.35)
        const r = await designGrids(input, { timeLimitSec: 20 })
        if (!Number.isFinite(best)) {
          expect(r.status).toBe('infeasible')
          expect(r.explanations?.length).toBeGreaterThan(0)
          return
        }
        solved++
        expect(r.status).toBe('optimal')
        expect(r.objective).toBeCloseTo(best, 6)
        expect(r.units).toHaveLength(k)
        const all = r.units.flatMap((u) => u.villages).sort()
        expect(all).toEqual(input.villages.map((v) => v.code).sort())
        for (const u of r.units) {
          expect(u.villages).toContain(u.host)
          expect(connected(u.villages, input.adjacency)).toBe(true)
          expect(Math.abs(u.share - 1)).toBeLessThanOrEqual(0.35 + 1e-9)
        }
      }),
      { numRuns: 40, seed: 4242 },
    )
    expect(solved).toBeGreaterThan(10)
  })

  it('adds separator cuts when neighbour rows are not enough, and ends contiguous', async () => {
    // A path H–c1–…–c6–A–B where A and B lie next to H on the map but far from it in the graph:
    // {H, A, B} is the cheapest unit and satisfies every neighbour row, yet it is not contiguous.
    const at = (x: number, y: number) => [113 + x, 24 + y] as [number, number]
    const chain = Array.from({ length: 6 }, (_, i) => ({ code: `c${i + 1}`, lnglat: at(0.3 + 0.05 * i, 0.2), demand: 100 }))
    const villages = [{ code: 'H', lnglat: at(0, 0), demand: 1000 }, ...chain, { code: 'A', lnglat: at(0.01, 0), demand: 400 }, { code: 'B', lnglat: at(0, 0.01), demand: 400 }]
    const order = ['H', ...chain.map((c) => c.code), 'A', 'B']
    const adjacency = order.slice(1).map((c, i) => [order[i], c] as [string, string])
    const r = await designGrids({ town: { code: 'T', name: '链镇' }, villages, adjacency, units: 2, balanceTolerance: 0.9 })
    expect(r.status).toBe('optimal')
    expect(r.rounds).toBeGreaterThan(1)
    for (const u of r.units) expect(connected(u.villages, adjacency)).toBe(true)
    const input = { town: { code: 'T' }, villages, adjacency, units: 2 } as DesignGridsInput
    expect(r.objective).toBeCloseTo(bruteForce(input, 2, 0.9), 6)
  })

  it('explains a town whose villages fall apart into more groups than units', async () => {
    const villages = ['A', 'B', 'C'].map((c, i) => ({ code: c, lnglat: [113 + i, 24] as [number, number], demand: 100 }))
    const r = await designGrids({ town: { code: 'T1', name: '孤岛镇' }, villages, adjacency: [], units: 2 })
    expect(r.status).toBe('infeasible')
    expect(r.explanations?.[0]).toMatchObject({ rule: 'GRID_CONTIGUITY', code: 'T1', numbers: { separateGroups: 3, units: 2 } })
    expect(r.explanations?.[0].message.zh).toContain('孤岛镇')
  })

  it('evaluates today’s units without solving', async () => {
    const [town] = syntheticGridTowns(3, [12])
    const codes = town.villages.map((v) => v.code)
    const r = await designGrids({
      ...town,
      mode: 'evaluate',
      current: [
        { id: 'G1', hostVillage: codes[0], villages: codes.slice(0, 4) },
        { id: 'G2', hostVillage: codes[11], villages: codes.slice(4) },
      ],
    })
    expect(r).toMatchObject({ mode: 'evaluate', backend: 'none', verified: true })
    expect(r.units.map((u) => u.id)).toEqual(['G1', 'G2'])
    expect(r.balance.maxDeviation).toBeGreaterThan(0)
    expect(r.balance.withinTolerance).toBe(r.balance.maxDeviation <= 0.25)
  })
})
