/**
 * Worker-thread entry: runs one problem by name and posts progress and the result back.
 * Cancellation arrives through a SharedArrayBuffer flag, because the solver blocks this
 * thread's event loop while HiGHS runs; the HiGHS interrupt callback reads the flag.
 */
import { parentPort } from 'node:worker_threads'
import { isProblemName, runProblem } from './problems/registry.js'
import type { CancelToken } from './types.js'

/** A job posted by `run.ts`. */
export interface WorkerJob {
  problem: string
  input: unknown
  options: { backend?: 'auto' | 'highs' | 'jsLpSolver'; timeLimitSec?: number }
  cancelFlag: SharedArrayBuffer
}

/** A message from the worker. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: unknown }
  | { type: 'result'; result: unknown }
  | { type: 'error'; name: string; message: string; field?: string }

const port = parentPort
if (port) {
  port.on('message', (job: WorkerJob) => {
    const flag = new Int32Array(job.cancelFlag)
    const cancel: CancelToken = {
      get cancelled() {
        return Atomics.load(flag, 0) === 1
      },
    }
    const post = (m: WorkerMessage) => port.postMessage(m)
    if (!isProblemName(job.problem)) {
      post({ type: 'error', name: 'SolverInputError', message: `unknown problem ${job.problem}` })
      return
    }
    runProblem(job.problem, job.input as never, {
      ...job.options,
      cancel,
      onProgress: (progress) => post({ type: 'progress', progress }),
    }).then(
      (result) => post({ type: 'result', result }),
      (err: Error & { field?: string }) => post({ type: 'error', name: err.name, message: err.message, field: err.field }),
    )
  })
  port.postMessage({ type: 'ready' } satisfies WorkerMessage)
}
