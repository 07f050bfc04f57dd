/** The contract between the engine (solve.ts) and a backend. */
import type { LinearModel } from '../model.js'
import type { CancelToken, SolveProgress, SolveStatus } from '../types.js'

/** Options a backend understands; unsupported ones are ignored by that backend. */
export interface BackendOptions {
  timeLimitSec?: number
  /** Relative MIP gap at which the backend may stop (HiGHS `mip_rel_gap`). */
  mipRelGap?: number
  /** Absolute MIP gap at which the backend may stop (HiGHS `mip_abs_gap`). */
  mipAbsGap?: number
  /** A full solution to start from (HiGHS MIP start); it need not be feasible. */
  initialSolution?: ArrayLike<number>
  cancel?: CancelToken
  onProgress?: (progress: SolveProgress) => void
  /** Extra raw backend options, e.g. `{ presolve: 'off' }` for HiGHS. */
  raw?: Record<string, number | string | boolean>
}

/** A backend: solves a model and reports what it found, unverified. */
export type Backend = (model: LinearModel, opts?: BackendOptions) => Promise<BackendResult>

/** What a backend reports, before verification. */
export interface BackendResult {
  status: SolveStatus
  /** The backend's own status, kept verbatim. */
  backendStatus: string
  values?: number[]
  /** The objective as the backend reports it. */
  objective?: number
  bound?: number
  /** Whether the backend claims the objective is optimal (within its gap settings). */
  claimsOptimal: boolean
}
