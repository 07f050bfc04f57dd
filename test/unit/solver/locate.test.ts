// locate (capacitated p-median): exact on small random instances, rules always hold.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePmedcap } from '../../../solver/benchmarks/pmedcap.js'
import { locate, type LocateInput, type LocateResult } from '../../../solver/index.js'

/** The optimum by enumeration (open sets × assignments); small instances only. */
function bruteForce(input: LocateInput): number {
  const n = input.demands.length
  const m = input.candidates.length
  let best = Infinity
  const cap = input.candidates.map((c) => c.capacity ?? Infinity)
  const rec = (i: number, open: number[], load: number[], cost: number) => {
    if (cost >= best) return
    if (i === n) {
      best = cost
      return
    }
    for (const j of open) {
      const c = input.cost[i][j]
      if (c === null || load[j] + input.demands[i].demand > cap[j]) continue
      load[j] += input.demands[i].demand
      rec(i + 1, open, load, cost + c)
      load[j] -= input.demands[i].demand
    }
  }
  const choose = (start: number, open: number[]) => {
    if (open.length === input.p) return rec(0, open, new Array(m).fill(0), 0)
    for (let j = start; j < m; j++) choose(j + 1, [...open, j])
  }
  choose(0, [])
  return best
}

/** Checks every rule of the contract on a result. */
function checkRules(input: LocateInput, r: LocateResult): void {
  expect(r.verified).toBe(true)
  expect(new Set(r.open).size).toBe(input.p)
  const load = new Map<string, number>()
  let cost = 0
  input.demands.forEach((d, i) => {
    const j = r.assign[d.id]
    expect(r.open).toContain(j)
    const jj = input.candidates.findIndex((c) => c.id === j)
    expect(input.cost[i][jj]).not.toBeNull()
    cost += input.cost[i][jj] as number
    load.set(j, (load.get(j) ?? 0) + d.demand)
  })
  for (const [j, l] of load) expect(l).toBeLessThanOrEqual(input.candidates.find((c) => c.id === j)?.capacity ?? Infinity)
  expect(cost).toBeCloseTo(r.objective as number, 6)
}

const instanceArb = fc
  .record({
    n: fc.integer({ min: 3, max: 7 }),
    m: fc.integer({ min: 2, max: 5 }),
    p: fc.integer({ min: 1, max: 3 }),
    nums: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 60, maxLength: 60 }),
    capScale: fc.double({ min: 0.5, max: 1.6, noNaN: true }),
  })
  .map(({ n, m, p, nums, capScale }): LocateInput => {
    let k = 0
    const next = () => nums[k++ % nums.length]
    const demands = Array.from({ length: n }, (_, i) => ({ id: `d${i}`, demand: 1 + (next() % 9) }))
    const total = demands.reduce((a, d) => a + d.demand, 0)
    const pp = Math.min(p, m)
    const capacity = Math.max(9, Math.ceil((capScale * total) / pp))
    return {
      p: pp,
      demands,
      candidates: Array.from({ length: m }, (_, j) => ({ id: `c${j}`, capacity: j === 0 && next() % 3 === 0 ? null : capacity })),
      cost: demands.map(() => Array.from({ length: m }, () => (next() % 11 === 0 ? null : next()))),
    }
  })

describe('locate', () => {
  it('finds the proven optimum of random small instances (or explains infeasibility)', async () => {
    await fc.assert(
      fc.asyncProperty(instanceArb, async (input) => {
        const best = bruteForce(input)
        const r = await locate(input, { timeLimitSec: 20 })
        if (!Number.isFinite(best)) {
          expect(['infeasible']).toContain(r.status)
          return
        }
        expect(r.status).toBe('optimal')
        expect(r.objective).toBeCloseTo(best, 6)
        checkRules(input, r)
        const plain = await locate(input, { timeLimitSec: 20, reduce: false })
        expect(plain.objective).toBeCloseTo(best, 6)
      }),
      { numRuns: 40 },
    )
  })

  it('explains an instance whose demand exceeds what p candidates can serve', async () => {
    const r = await locate({
      p: 1,
      demands: [{ id: 'a', demand: 5 }, { id: 'b', demand: 5 }],
      candidates: [{ id: 'x', capacity: 6 }, { id: 'y', capacity: 6 }],
      cost: [[1, 2], [2, 1]],
    })
    expect(r.status).toBe('infeasible')
    expect(r.explanations?.[0]).toMatchObject({ rule: 'CAPACITY', numbers: { totalDemand: 10 } })
    expect(r.explanations?.[0].message.en).toContain('exceeds')
  })

  it('rejects malformed input with the field name', async () => {
    await expect(locate({ p: 1, demands: [{ id: 'a', demand: 1 }], candidates: [{ id: 'x' }], cost: [[1, 2]] })).rejects.toThrow(/cost\[0\]/)
  })

  // A copy of the public instance lives in test/fixtures/pmedcap (see its README).
  const pmedcap1 = join(import.meta.dirname, '../../fixtures/pmedcap/pmedcap1.dat')
  it('solves pmedcap1 to its proven optimum 713', async () => {
    const input = parsePmedcap(readFileSync(pmedcap1, 'utf8'))
    const r = await locate(input, { timeLimitSec: 60 })
    expect(r).toMatchObject({ status: 'optimal', objective: 713, verified: true })
    checkRules(input, r)
  })
})
