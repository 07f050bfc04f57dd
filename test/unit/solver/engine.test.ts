// The model layer, both backends and the verifier.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadHighs, resetHighs, solveWithHighs } from '../../../solver/backends/highs.js'
import type { BackendResult } from '../../../solver/backends/types.js'
import { hardKnapsack } from './hard-model.js'
import { ModelBuilder, solveModel, verifySolution, type LinearModel } from '../../../solver/index.js'

/** A random bounded, feasible LP: x = 0 is feasible (rows are ≤ positive bounds), box bounds. */
const lpArb = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    m: fc.integer({ min: 1, max: 5 }),
    seed: fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 80, maxLength: 80 }),
    sense: fc.constantFrom('min' as const, 'max' as const),
  })
  .map(({ n, m, seed, sense }) => {
    const b = new ModelBuilder(sense)
    let k = 0
    const next = () => seed[k++ % seed.length]
    const xs = Array.from({ length: n }, (_, j) => b.addVar(`x${j}`, { lb: 0, ub: 5 + Math.abs(next()), cost: next() }))
    for (let i = 0; i < m; i++) b.le(`r${i}`, xs, xs.map(() => next()), 3 + Math.abs(next()))
    return b.build()
  })

describe('model and backends', () => {
  it('solves a small MILP with both backends to the same verified optimum', async () => {
    const b = new ModelBuilder('max')
    const chairs = b.addVar('chairs', { cost: 30, integer: true })
    const tables = b.addVar('tables', { cost: 50, integer: true })
    b.le('carpentry', [chairs, tables], [1, 2], 40)
    b.le('finishing', [chairs, tables], [2, 1], 50)
    const model = b.build()
    for (const backend of ['highs', 'jsLpSolver'] as const) {
      const r = await solveModel(model, { backend })
      expect(r).toMatchObject({ status: 'optimal', objective: 1100, verified: true, backend })
      expect(r.values).toEqual([20, 10])
    }
  })

  it('both backends agree on the optimum of random LPs', async () => {
    await fc.assert(
      fc.asyncProperty(lpArb, async (model) => {
        const h = await solveModel(model, { backend: 'highs' })
        const j = await solveModel(model, { backend: 'jsLpSolver' })
        expect(h.status).toBe('optimal')
        expect(j.status).toBe('optimal')
        expect(h.verified && j.verified).toBe(true)
        expect(j.objective).toBeCloseTo(h.objective as number, 5)
      }),
      { numRuns: 40 },
    )
  })

  it('reports infeasible and unbounded models without a decision', async () => {
    const b = new ModelBuilder('min')
    const x = b.addVar('x', { ub: 3 })
    b.ge('tooMuch', [x], [1], 5)
    const infeasible = b.build()
    const u = new ModelBuilder('max')
    const y = u.addVar('y', { cost: 1 })
    u.ge('low', [y], [1], 1)
    const unbounded = u.build()
    for (const backend of ['highs', 'jsLpSolver'] as const) {
      const r1 = await solveModel(infeasible, { backend })
      expect(r1).toMatchObject({ status: 'infeasible', verified: false, values: null })
      const r2 = await solveModel(unbounded, { backend })
      expect(r2).toMatchObject({ status: 'unbounded', verified: false, values: null })
      expect(r2.backendStatus.length).toBeGreaterThan(0)
    }
  })

  it('keeps the backend status and reports a gap when stopped by the time limit', async () => {
    // 1 s is ample for the root LP (so a bound is known), even on a busy machine, and far too
    // little to close the gap.
    const { model, start } = hardKnapsack()
    const res = await solveModel(model, { backend: 'highs', timeLimitSec: 1, initialSolution: start })
    expect(res).toMatchObject({ status: 'feasible', verified: true, backendStatus: 'Time limit reached' })
    expect(res.gap).toBeGreaterThan(0)
    expect(res.bound).toBeGreaterThan(res.objective as number)
  })

  it('chooses HiGHS for MILPs and javascript-lp-solver for small LPs', async () => {
    const b = new ModelBuilder('min')
    const x = b.addVar('x', { cost: 1 })
    b.ge('r', [x], [1], 2)
    expect((await solveModel(b.build())).backend).toBe('jsLpSolver')
    const c = new ModelBuilder('min')
    const y = c.addVar('y', { cost: 1, integer: true })
    c.ge('r', [y], [2], 3)
    const r = await solveModel(c.build())
    expect(r).toMatchObject({ backend: 'highs', objective: 2, status: 'optimal' })
  })

  it('keeps working after a HiGHS error (the runtime is reloaded)', async () => {
    const highs = await loadHighs()
    expect(() => highs.createModel({ format: 'lp', data: 'Minimize\n obj: x +\nSubject To\n c: x >=\nEnd' } as never).run()).toThrow()
    resetHighs()
    const b = new ModelBuilder('min')
    const x = b.addVar('x', { cost: 1, integer: true })
    b.ge('r', [x], [1], 2.5)
    const r = await solveWithHighs(b.build())
    expect(r).toMatchObject({ status: 'optimal', objective: 3 })
  })
})

describe('verifier', () => {
  const b = new ModelBuilder('min')
  const x = b.addVar('x', { lb: 0, ub: 4, integer: true, cost: 2 })
  const y = b.addVar('y', { lb: 0, ub: 10, cost: 1 })
  b.ge('cover', [x, y], [1, 1], 3)
  b.le('cap', [x, y], [3, 1], 9)
  const model: LinearModel = b.build()

  it('accepts a correct solution and recomputes the objective', () => {
    const v = verifySolution(model, [2, 1], 5)
    expect(v).toMatchObject({ ok: true, objective: 5, violations: [] })
  })

  it('rejects fractional integers reported as feasible (the javascript-lp-solver failure)', () => {
    const v = verifySolution(model, [1.5, 1.5], 4.5)
    expect(v.ok).toBe(false)
    expect(v.violations.map((e) => e.kind)).toContain('integrality')
  })

  it('rejects a broken row, a broken bound, a wrong objective and non-finite values', () => {
    expect(verifySolution(model, [1, 1], 3).violations.map((e) => e.kind)).toEqual(['row'])
    expect(verifySolution(model, [5, 0], 10).violations.map((e) => e.kind)).toEqual(expect.arrayContaining(['bound', 'row']))
    expect(verifySolution(model, [2, 1], 4).violations.map((e) => e.kind)).toEqual(['objective'])
    expect(verifySolution(model, [NaN, 1]).violations.map((e) => e.kind)).toContain('not-finite')
    expect(verifySolution(model, [1]).violations.map((e) => e.kind)).toEqual(['length'])
  })

  // A backend that reports `answer` as its optimum, in place of HiGHS.
  const lying = (answer: { values: number[]; objective: number }) => ({
    highs: async (): Promise<BackendResult> => ({ status: 'optimal', backendStatus: 'Optimal', claimsOptimal: true, ...answer }),
  })

  it('makes solveModel refuse a backend answer that breaks the model', async () => {
    const cases = [
      { answer: { values: [1.5, 1.5], objective: 4.5 }, kinds: ['integrality'], says: 'x = 1.5 is not an integer' },
      { answer: { values: [1, 1], objective: 3 }, kinds: ['row'], says: 'row cover: activity 2 outside [3, Infinity]' },
      { answer: { values: [2, 1], objective: 4 }, kinds: ['objective'], says: 'reported objective 4 differs from recomputed 5' },
    ]
    for (const { answer, kinds, says } of cases) {
      const r = await solveModel(model, { backend: 'highs', backends: lying(answer) })
      expect(r).toMatchObject({ status: 'error', backend: 'highs', verified: false, values: null, objective: null })
      expect(r.violations?.map((v) => v.kind)).toEqual(kinds)
      expect(r.message).toBe(`verifier rejected the highs solution: ${says}`)
    }
    // The same seam passes a correct answer through, verified.
    const honest = await solveModel(model, { backend: 'highs', backends: lying({ values: [2, 1], objective: 5 }) })
    expect(honest).toMatchObject({ status: 'optimal', objective: 5, verified: true, values: [2, 1] })
  })
})
