/**
 * A bounded pool of solver worker threads. At most `size` solves run at once; the others
 * wait for a free thread. A thread is reused for the next solve (starting one costs the
 * TypeScript loader and the HiGHS module), and replaced when a solve had to be terminated
 * (cancelled without stopping, timed out, crashed). Idle threads do not keep the process alive.
 */
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { WorkerMessage } from './worker.js'

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

/** A started worker thread, ready for a job. */
export interface PooledWorker {
  worker: Worker
}

/** Starts one solver worker and waits for its 'ready'; null when no worker can start here. */
async function startWorker(): Promise<PooledWorker | null> {
  let worker: Worker
  try {
    const here = new URL(import.meta.url)
    if (here.pathname.endsWith('.ts')) {
      const source = tsWorkerSource(new URL('./worker.ts', here))
      if (!source) return null
      worker = new Worker(source, { eval: true, execArgv: [] })
    } else {
      worker = new Worker(new URL('./worker.js', here))
    }
  } catch {
    return null
  }
  return new Promise((resolve) => {
    const fail = () => {
      void worker.terminate()
      resolve(null)
    }
    worker.once('error', fail)
    worker.once('exit', fail)
    worker.once('message', (m: WorkerMessage) => {
      worker.off('error', fail)
      worker.off('exit', fail)
      if (m.type === 'ready') resolve({ worker })
      else fail()
    })
  })
}

/** Counts for tests and logs. */
export interface PoolStats {
  size: number
  /** Solves holding a thread now. */
  busy: number
  /** The most solves that held a thread at once. */
  peakBusy: number
  /** Solves waiting for a thread. */
  waiting: number
  /** Worker threads started so far. */
  started: number
}

export class SolverPool {
  private idle: PooledWorker[] = []
  private waiters: Array<() => void> = []
  private busy = 0
  private peakBusy = 0
  private started = 0
  /** Set once a worker could not start: solves then run in the calling thread. */
  unavailable = false

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a solver pool needs at least one thread, got ${size}`)
  }

  stats(): PoolStats {
    return { size: this.size, busy: this.busy, peakBusy: this.peakBusy, waiting: this.waiters.length, started: this.started }
  }

  /**
   * Waits for a free slot and hands out a worker (null: none can start, solve in this
   * thread; the slot is still held). Rejects with the signal's reason when aborted while waiting.
   */
  async acquire(signal?: AbortSignal): Promise<PooledWorker | null> {
    signal?.throwIfAborted()
    if (this.busy >= this.size) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          this.waiters = this.waiters.filter((w) => w !== wake)
          reject(signal!.reason)
        }
        const wake = () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        this.waiters.push(wake)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    }
    this.busy++
    this.peakBusy = Math.max(this.peakBusy, this.busy)
    const reused = this.idle.pop()
    if (reused) {
      reused.worker.removeAllListeners('error').removeAllListeners('exit')
      reused.worker.ref()
      return reused
    }
    if (this.unavailable) return null
    const fresh = await startWorker()
    if (!fresh) this.unavailable = true
    else this.started++
    return fresh
  }

  /** Gives the slot back; a healthy worker waits for the next solve, a spoiled one is terminated. */
  release(w: PooledWorker | null, healthy: boolean): void {
    if (w) {
      w.worker.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit')
      if (healthy) {
        // An idle thread that dies leaves the pool (an 'error' without a listener would throw).
        const drop = () => {
          this.idle = this.idle.filter((x) => x !== w)
        }
        w.worker.on('error', drop).on('exit', drop)
        w.worker.unref()
        this.idle.push(w)
      } else void w.worker.terminate()
    }
    this.busy--
    this.waiters.shift()?.()
  }

  /** Terminates every idle worker (tests, shutdown). */
  async close(): Promise<void> {
    const idle = this.idle
    this.idle = []
    await Promise.all(idle.map((w) => w.worker.terminate()))
  }
}

let shared: SolverPool | null = null

/** Sets the size of the shared pool (the server's SOLVER_THREADS); before its first use. */
export function configureSolverThreads(size: number): void {
  if (shared && shared.size === size) return
  if (shared && shared.stats().busy > 0) throw new Error('the solver pool is in use: configure its size at start-up')
  void shared?.close()
  shared = new SolverPool(size)
}

/** The process's shared pool, sized to the cores unless configured. */
export function solverPool(): SolverPool {
  shared ??= new SolverPool(availableParallelism())
  return shared
}
