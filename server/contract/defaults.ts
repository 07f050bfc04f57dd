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
