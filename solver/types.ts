/** Result shapes and small interfaces shared by the engine and every problem. */

/** Outcome of a solve, as reported to callers (DESIGN.md §5). */
export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'timeout' | 'error'

/** The two backends. */
export type BackendName = 'highs' | 'jsLpSolver'

/** Backend choice: `auto` picks HiGHS for MILPs and large LPs, javascript-lp-solver for small LPs. */
export type BackendChoice = BackendName | 'auto'

/** What every result carries besides its decision (DESIGN.md §5). */
export interface SolveMeta {
  status: SolveStatus
  /** Objective value recomputed by the verifier (null without a verified solution). */
  objective: number | null
  /** Best proven bound on the objective, where the backend knows one. */
  bound?: number
  /** Relative gap |objective − bound| / max(1, |objective|), where known. */
  gap?: number
  backend: BackendName | 'none'
  /** The backend's own status text (e.g. HiGHS "Time limit reached"). */
  backendStatus: string
  ms: number
  /** True only when an independent check confirmed bounds, rows, integrality and objective. */
  verified: boolean
}

/** The meta of an answer refused before any backend ran (the input breaks a rule: see its explanations). */
export function rejectedBeforeSolving(started: number): SolveMeta & { status: 'infeasible' } {
  return { status: 'infeasible', objective: null, backend: 'none', backendStatus: 'rejected before solving', ms: Date.now() - started, verified: false }
}

/** Progress of a running solve, for a job's progress bar. */
export interface SolveProgress {
  stage: string
  /** Best objective found so far (the incumbent). */
  incumbent?: number
  /** Best proven bound so far. */
  bound?: number
  gap?: number
  elapsedMs: number
}

/** Cooperative cancellation: checked by heuristics and the HiGHS interrupt callback. */
export interface CancelToken {
  readonly cancelled: boolean
}

/** Options every problem function accepts. */
export interface RunOptions {
  backend?: BackendChoice
  /** Wall-clock limit for the whole problem, in seconds. */
  timeLimitSec?: number
  onProgress?: (progress: SolveProgress) => void
  cancel?: CancelToken
}

/**
 * A programme rule that the input cannot satisfy, explained in domain words before any
 * solver runs, e.g. "马坝镇 has 18 villages but only 15 workers".
 */
export interface Infeasibility {
  /** Name of the rule's constant in solver/policy.ts, e.g. `TOWN_SERVICE_POSTS_PER_VILLAGE`. */
  rule: string
  /** Where the rule comes from, e.g. "Shaoguan plan §2(2)". */
  source: string
  /** Division code or id of the thing that breaks the rule (town, county, station...). */
  code: string
  name?: string
  /** The numbers behind the message, e.g. `{ villages: 18, workers: 15 }`. */
  numbers: Record<string, number>
  message: { zh: string; en: string }
}

/** Thrown for malformed input (wrong shapes, unknown ids); the CLI exits with code 2. */
export class SolverInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'SolverInputError'
  }
}
