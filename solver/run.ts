/**
 * Off-main-thread solving: runs a problem in a fresh worker thread, so a server's event loop
 * stays free, with progress, cancellation (AbortSignal), a hard timeout, and a clean fall-back
 * to the current thread when no worker can start (e.g. the TypeScript loader is missing).
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { runProblem, type ProblemInput, type ProblemName, type ProblemResult } from './problems/registry.js'
import { SolverInputError, type BackendChoice, type SolveProgress } from './types.js'
import type { WorkerJob, WorkerMessage } from './worker.js'

/** Options of `solveOffThread`. */
export interface OffThreadOptions {
  backend?: BackendChoice
  /** The problem's own time limit (seconds); the worker is killed `graceMs` after it. */
  timeLimitSec?: number
  /** Extra time after `timeLimitSec` before the worker is terminated (default 10 s). */
  graceMs?: number
  signal?: AbortSignal
  onProgress?: (progress: SolveProgress) => void
  /** Skip the worker and solve in this thread. */
  inThread?: boolean
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

/**
 * Worker source for a TypeScript checkout: registers tsx's ESM hooks inside the worker, then
 * imports worker.ts. (Passing `--import tsx` in execArgv does not reach a worker's entry
 * module on Node 20: the hooks register too late and `.ts` is refused.)
 */
function tsWorkerSource(entry: URL): string | null {
  try {
    const cjs = createRequire(import.meta.url).resolve('tsx/esm/api')
    const api = pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href
    return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}) })`
  } catch {
    return null
  }
}

/** Runs `problem` in a worker thread (falls back to this thread if no worker can start). */
export async function solveOffThread<K extends ProblemName>(
  problem: K,
  input: ProblemInput<K>,
  opts: OffThreadOptions = {},
): Promise<ProblemResult<K>> {
  if (opts.inThread) return inThread(problem, input, opts)
  let worker: Worker
  try {
    const here = new URL(import.meta.url)
    if (here.pathname.endsWith('.ts')) {
      const source = tsWorkerSource(new URL('./worker.ts', here))
      if (!source) return inThread(problem, input, opts)
      worker = new Worker(source, { eval: true, execArgv: [] })
    } else {
      worker = new Worker(new URL('./worker.js', here))
    }
  } catch {
    return inThread(problem, input, opts)
  }
  return new Promise<ProblemResult<K>>((resolve, reject) => {
    const cancelFlag = new SharedArrayBuffer(4)
    const flag = new Int32Array(cancelFlag)
    let started = false
    let settled = false
    let hardTimer: NodeJS.Timeout | undefined
    let abortTimer: NodeJS.Timeout | undefined
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(hardTimer)
      clearTimeout(abortTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      void worker.terminate()
      fn()
    }
    const onAbort = () => {
      Atomics.store(flag, 0, 1)
      // Give the solver a moment to stop cleanly and return its incumbent.
      abortTimer = setTimeout(() => finish(() => reject(new SolveAbortedError('cancelled', 'solve cancelled'))), 2000)
    }
    if (opts.signal?.aborted) {
      finish(() => reject(new SolveAbortedError('cancelled', 'solve cancelled')))
      return
    }
    opts.signal?.addEventListener('abort', onAbort)
    if (opts.timeLimitSec !== undefined) {
      hardTimer = setTimeout(
        () => finish(() => reject(new SolveAbortedError('timeout', `no result ${opts.graceMs ?? 10000} ms after the ${opts.timeLimitSec} s limit`))),
        opts.timeLimitSec * 1000 + (opts.graceMs ?? 10_000),
      )
    }
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') {
        started = true
        lastRunMode = 'worker'
        const job: WorkerJob = { problem, input, options: { backend: opts.backend, timeLimitSec: opts.timeLimitSec }, cancelFlag }
        worker.postMessage(job)
      } else if (m.type === 'progress') opts.onProgress?.(m.progress as SolveProgress)
      else if (m.type === 'result') finish(() => resolve(m.result as ProblemResult<K>))
      else {
        const err = m.name === 'SolverInputError' ? new SolverInputError(m.message, m.field) : Object.assign(new Error(m.message), { name: m.name })
        finish(() => reject(err))
      }
    })
    worker.on('error', (err) => {
      if (!started) {
        // The worker could not even load: solve here instead.
        finish(() => inThread(problem, input, opts).then(resolve, reject))
      } else finish(() => reject(new SolveAbortedError('crashed', `solver worker crashed: ${err.message}`)))
    })
    worker.on('exit', (code) => {
      if (!started) finish(() => inThread(problem, input, opts).then(resolve, reject))
      else finish(() => reject(new SolveAbortedError('crashed', `solver worker exited with code ${code}`)))
    })
  })
}

function inThread<K extends ProblemName>(problem: K, input: ProblemInput<K>, opts: OffThreadOptions): Promise<ProblemResult<K>> {
  lastRunMode = 'in-thread'
  const ctl = { cancelled: false }
  const signal = opts.signal
  if (signal?.aborted) return Promise.reject(new SolveAbortedError('cancelled', 'solve cancelled'))
  const onAbort = () => {
    ctl.cancelled = true
  }
  signal?.addEventListener('abort', onAbort)
  return runProblem(problem, input, { backend: opts.backend, timeLimitSec: opts.timeLimitSec, onProgress: opts.onProgress, cancel: ctl }).finally(() =>
    signal?.removeEventListener('abort', onAbort),
  )
}
