// Off-main-thread runner and the command line.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SolveAbortedError, solveInThread, solveOffThread, SolverInputError, SolverPool } from '../../../solver/index.js'
import { lastRunMode } from '../../../solver/run.js'
import { syntheticGridTowns } from '../../../solver/benchmarks/synthetic.js'
import { hardKnapsack } from './hard-model.js'

const root = join(import.meta.dirname, '../../..')
const fixture = (name: string) => join(root, 'test/fixtures/solver', name, 'in.json')

describe('solveOffThread', () => {
  it('solves in a worker thread and keeps the event loop free', async () => {
    const [town] = syntheticGridTowns(9, [24])
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    const r = await solveOffThread('designGrids', town, { timeLimitSec: 30 })
    clearInterval(timer)
    expect(lastRunMode).toBe('worker')
    expect(r).toMatchObject({ status: 'optimal', verified: true })
    expect(ticks).toBeGreaterThan(5)
  })

  it('passes input errors through as SolverInputError', async () => {
    await expect(solveOffThread('locate', { p: 0, demands: [], candidates: [], cost: [] })).rejects.toBeInstanceOf(SolverInputError)
  })

  it('can run in this thread instead', async () => {
    const [town] = syntheticGridTowns(9, [8])
    const r = await solveInThread('designGrids', town)
    expect(lastRunMode).toBe('in-thread')
    expect(r.verified).toBe(true)
  })

  it('refuses to start with an AbortSignal that is already aborted', async () => {
    const [town] = syntheticGridTowns(10, [40])
    const ctl = new AbortController()
    ctl.abort()
    await expect(solveOffThread('designGrids', town, { signal: ctl.signal })).rejects.toBeInstanceOf(SolveAbortedError)
  })

  it('stops a running solve when aborted and returns its verified incumbent', async () => {
    const { model, start } = hardKnapsack()
    const ctl = new AbortController()
    let abortedAt = 0
    // Abort as soon as HiGHS reports its first incumbent: the solve is running in the worker.
    const onProgress = () => {
      if (abortedAt) return
      abortedAt = Date.now()
      ctl.abort()
    }
    const r = await solveOffThread('model', { model, options: { initialSolution: start } }, { timeLimitSec: 60, signal: ctl.signal, onProgress })
    const stoppedMs = Date.now() - abortedAt
    expect(lastRunMode).toBe('worker')
    expect(abortedAt).toBeGreaterThan(0)
    // Not the 60 s limit, nor run.ts giving up on the worker 2 s after the abort (that rejects).
    expect(stoppedMs).toBeLessThan(2000)
    expect(r).toMatchObject({ status: 'feasible', backendStatus: 'Interrupted by user', verified: true, backend: 'highs' })
    expect(r.values).toHaveLength(60)
  })
})

describe('SolverPool', () => {
  it('runs at most its size of solves at once, reusing its threads, and frees them after a cancel', async () => {
    const pool = new SolverPool(2)
    const towns = syntheticGridTowns(11, [14, 14, 14, 14, 14])
    let concurrent = 0
    let peak = 0
    const results = await Promise.all(
      towns.map(async (town) => {
        const r = await solveOffThread('designGrids', town, {
          timeLimitSec: 30,
          pool,
          onProgress: () => {
            // A solve reporting progress holds a thread.
            peak = Math.max(peak, pool.stats().busy)
          },
        })
        concurrent = Math.max(concurrent, pool.stats().busy)
        return r
      }),
    )
    expect(results.every((r) => r.verified)).toBe(true)
    expect(pool.stats()).toMatchObject({ size: 2, busy: 0, waiting: 0 })
    expect(pool.stats().peakBusy).toBe(2)
    expect(pool.stats().started).toBeLessThanOrEqual(2)
    expect(Math.max(peak, concurrent)).toBeLessThanOrEqual(2)

    // A solve that waits for a thread and is cancelled meanwhile never starts.
    const { model, start } = hardKnapsack()
    const ctl = new AbortController()
    const long = [0, 1].map(() => solveOffThread('model', { model, options: { initialSolution: start } }, { timeLimitSec: 60, signal: ctl.signal, pool }))
    const waiting = solveOffThread('designGrids', towns[0], { pool, signal: ctl.signal })
    await new Promise((r) => setTimeout(r, 300))
    expect(pool.stats()).toMatchObject({ busy: 2, waiting: 1 })
    ctl.abort()
    await expect(waiting).rejects.toBeInstanceOf(SolveAbortedError)
    await Promise.allSettled(long)
    expect(pool.stats()).toMatchObject({ busy: 0, waiting: 0 })
    await pool.close()
  }, 60_000)
})

describe('cli', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'solver/cli.ts'), ...args], { cwd: root, encoding: 'utf8' })

  it('prints a verified result and exits 0', () => {
    const r = run('locate', fixture('locate-small'))
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'optimal', verified: true, open: ['v1', 'v8'] })
  })

  it('exits 1 with the explanation when the input is infeasible', () => {
    const r = run('allocateStaff', fixture('allocateStaff-infeasible'))
    expect(r.status).toBe(1)
    expect(JSON.parse(r.stdout).explanations[0]).toMatchObject({ name: '曲江区', message: { en: expect.stringContaining('马坝镇 needs') } })
  })

  it('exits 2 on bad input, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'solver-cli-'))
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ p: 1, demands: [{ id: 'a', demand: -1 }], candidates: [{ id: 'x' }], cost: [[1]] }))
    const r = run('locate', file)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('demands[0].demand')
    expect(run('nope', file).status).toBe(2)
  })
})

describe('raceModels', () => {
  it('returns the first proven optimum of equivalent models solved in parallel', async () => {
    const { ModelBuilder } = await import('../../../solver/index.js')
    const { raceModels } = await import('../../../solver/portfolio.js')
    const build = (extraCut: boolean) => {
      const b = new ModelBuilder('max')
      const x = b.addVar('x', { cost: 30, integer: true })
      const y = b.addVar('y', { cost: 50, integer: true })
      b.le('carpentry', [x, y], [1, 2], 40)
      b.le('finishing', [x, y], [2, 1], 50)
      if (extraCut) b.le('implied', [x, y], [3, 3], 90)
      return b.build()
    }
    const { solution, winner } = await raceModels([build(false), build(true)])
    expect(solution).toMatchObject({ status: 'optimal', objective: 1100, verified: true })
    expect([0, 1]).toContain(winner)
  })
})
