/**
 * The defaults of plan parameters, as the server applies them and the web displays them.
 * Free of zod and Node so the web bundle can import it (values, not copies).
 */
import { DEFAULT_MAX_TRANSFER_KM, DEFAULT_MOVE_PENALTY } from '../../solver/policy.js'
import { COVERAGE_DEFAULTS } from '../services/coverage.js'
import type { PlanKindName } from './requests.js'

export const PLAN_DEFAULTS = {
  moveCost: DEFAULT_MOVE_PENALTY.withinTown,
  crossTownMoveCost: DEFAULT_MOVE_PENALTY.acrossTowns,
  /** Transfers between towns are off: the town employs its workers (Shaoguan plan §2(3)). */
  allowTransfers: false,
  /** The old name of allowTransfers. */
  allowCrossTownMoves: false,
  maxTransferKm: DEFAULT_MAX_TRANSFER_KM,
  distanceKm: COVERAGE_DEFAULTS.distanceKm,
  overloadFactor: COVERAGE_DEFAULTS.overloadFactor,
  /** Solver time limit per plan kind (seconds); a grid plan solves each town within it. */
  timeLimitSec: { staff: 60, grids: 20, supervisors: 60 } as Readonly<Record<PlanKindName, number>>,
} as const

/**
 * The limits of plan parameters, as the server's schema enforces them (requests.ts
 * PlanParams) and the form shows them. A weight above `weightMax` or a solve shorter than
 * `timeLimitSec.min` is a typing slip, not a plan: the defaults are 1-30 per person
 * (solver/policy.ts DEFAULT_DEMAND_WEIGHTS) and a county staff plan needs seconds.
 */
export const PLAN_LIMITS = {
  weightMax: 1000,
  timeLimitSec: { min: 5, max: 600 },
  maxTransferKm: { min: 0, max: 200 },
  distanceKm: { min: 0.1, max: 200 },
  overloadFactor: { min: 1, max: 10 },
  moveCost: { min: 0, max: 1000 },
} as const
