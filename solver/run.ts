/**
 * Off-main-thread solving: runs a problem on a thread of the bounded solver pool (pool.ts),
 * so a server's event loop stays free, with progress, cancellation (AbortSignal: the HiGHS
 * interrupt first, the thread terminated 2 s later if the solver does not stop), a hard
 * timeout, and a clean fall-back to the current thread when no worker can start (e.g. the
 * TypeScript loader is missing). `solveInThread` runs a problem in the calling thread on purpose.
 */
import { runProblem, type ProblemInput, type ProblemName, type ProblemResult } from './problems/registry.js'
import { solverPool, type SolverPool } from './pool.js'
import { SolverInputError, type BackendChoice, type SolveProgress } from './types.js'
import type { WorkerJob, WorkerMessage } from './worker.js'

/** Options of `solveOffThread` and `solveInThread`. */
export interface SolveRunOptions {
  backend?: BackendChoice
  /** The problem's own time limit (seconds); the worker is killed `graceMs` after it. */
  timeLimitSec?: number
  /** Extra time after `timeLimitSec` before the worker is terminated (default 10 s). */
  graceMs?: number
  signal?: AbortSignal
  onProgress?: (progress: SolveProgress) => void
  /** The pool to run on (default: the process's shared pool, sized to the cores). */
  pool?: SolverPool
}

/** Why an off-thread solve ended without a result. */
export class SolveAbortedError extends Error {
  constructor(
    readonly reason: 'timeout' | 'cancelled' | 'crashed',
    message: string,
  ) {
    super(message)
    this.name = 'SolveAbortedError'
  }
}

/** How the last call ran: 'worker' or 'in-thread' (exposed for tests and logs). */
export let lastRunMode: 'worker' | 'in-thread' | null = null

const cancelled = () => new SolveAbortedError('cancelled', 'solve cancelled')

/** Runs `problem` on a pool thread (waiting for a free one); in this thread only if no worker can start. */
export async function solveOffThread<K extends ProblemName>(
  problem: K,
  input: ProblemInput<K>,
  opts: SolveRunOptions = {},
): Promise<ProblemResult<K>> {
  const pool = opts.pool ?? solverPool()
  if (opts.signal?.aborted) throw cancelled()
  let slot
  try {
    slot = await pool.acquire(opts.signal)
  } catch {
    throw cancelled()
  }
  if (!slot) {
    // No worker can start here: solve in this thread, still holding the pool's slot.
    return solveInThread(problem, input, opts).finally(() => pool.release(null, true))
  }
  const { worker } = slot
  lastRunMode = 'worker'
  return new Promise<ProblemResult<K>>((resolve, reject) => {
    const cancelFlag = new SharedArrayBuffer(4)
    const flag = new Int32Array(cancelFlag)
    let settled = false
    let hardTimer: NodeJS.Timeout | undefined
    let abortTimer: NodeJS.Timeout | undefined
    const finish = (healthy: boolean, fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(hardTimer)
      clearTimeout(abortTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      pool.release(slot, healthy)
      fn()
    }
    const onAbort = () => {
      Atomics.store(flag, 0, 1)
      // Give the solver a moment to stop cleanly and return its incumbent; then terminate the thread.
      abortTimer = setTimeout(() => finish(false, () => reject(cancelled())), 2000)
    }
    opts.signal?.addEventListener('abort', onAbort)
    if (opts.timeLimitSec !== undefined) {
      hardTimer = setTimeout(
        () => finish(false, () => reject(new SolveAbortedError('timeout', `no result ${opts.graceMs ?? 10000} ms after the ${opts.timeLimitSec} s limit`))),
        opts.timeLimitSec * 1000 + (opts.graceMs ?? 10_000),
      )
    }
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.progress as SolveProgress)
      else if (m.type === 'result') finish(true, () => resolve(m.result as ProblemResult<K>))
      else if (m.type === 'error') {
        const err = m.name === 'SolverInputError' ? new SolverInputError(m.message, m.field) : Object.assign(new Error(m.message), { name: m.name })
        finish(true, () => reject(err))
      }
    })
    worker.on('error', (err) => finish(false, () => reject(new SolveAbortedError('crashed', `solver worker crashed: ${err.message}`))))
    worker.on('exit', (code) => finish(false, () => reject(new SolveAbortedError('crashed', `solver worker exited with code ${code}`))))
    const job: WorkerJob = { problem, input, options: { backend: opts.backend, timeLimitSec: opts.timeLimitSec }, cancelFlag }
    worker.postMessage(job)
  })
}

/** Runs `problem` in the calling thread (blocks its event loop while HiGHS runs): the CLI, tests. */
export function solveInThread<K extends ProblemName>(problem: K, input: ProblemInput<K>, opts: SolveRunOptions = {}): Promise<ProblemResult<K>> {
  lastRunMode = 'in-thread'
  const ctl = { cancelled: false }
  const signal = opts.signal
  if (signal?.aborted) return Promise.reject(cancelled())
  const onAbort = () => {
    ctl.cancelled = true
  }
  signal?.addEventListener('abort', onAbort)
  return runProblem(problem, input, { backend: opts.backend, timeLimitSec: opts.timeLimitSec, onProgress: opts.onProgress, cancel: ctl }).finally(() =>
    signal?.removeEventListener('abort', onAbort),
  )
}
