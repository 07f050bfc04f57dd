/**
 * Public API of the solver: pure functions from plain objects to verified plans.
 * Every result carries `{ status, objective, bound?, gap?, backend, backendStatus, ms, verified }`.
 */
export { locate, type LocateInput, type LocateOptions, type LocateResult } from './problems/locate.js'
export {
  allocateStaff,
  combineCountyAllocations,
  verifyAllocation,
  budgetBounds,
  DEFAULT_MOVE_PENALTY,
  type BudgetBounds,
  type AllocateStaffInput,
  type AllocateStaffResult,
  type CountyAllocation,
  type TownAllocation,
  type PointAllocation,
  type CountyInput,
  type TownInput,
  type VillageInput,
  type ServicePointInput,
  type MovePenalty,
} from './problems/allocateStaff.js'
export {
  assignWorkers,
  verifyAssignment,
  type WorkerMove,
  type AssignWorkersInput,
  type AssignWorkersResult,
  type WorkLocation,
  type WorkerInput,
} from './problems/assignWorkers.js'
export {
  designGrids,
  type DesignGridsInput,
  type DesignGridsResult,
  type GridVillageInput,
  type GridUnitInput,
  type GridUnit,
} from './problems/designGrids.js'
export { assignSupervisors, type AssignSupervisorsInput, type AssignSupervisorsResult } from './problems/assignSupervisors.js'
export { planVisits, visitPlanWarnings, type PlanVisitsInput, type PlanVisitsResult, type Visit, type Leg } from './problems/planVisits.js'
export { verifyVisitPlan, BASE_ID, type VisitVerification } from './visits/verify.js'
export { MAX_VISIT_STATIONS, daysPerVisit } from './visits/problem.js'
export { isIsoDate, isIsoMonth, monthLabel } from './visits/month.js'
export { PROBLEMS, runProblem, isProblemName, type ProblemName, type ProblemInput, type ProblemResult } from './problems/registry.js'
export { solveInThread, solveOffThread, SolveAbortedError, type SolveRunOptions } from './run.js'
export { configureSolverThreads, solverPool, SolverPool, type PoolStats } from './pool.js'
export { solveModel, chooseBackend, type SolveModelOptions, type ModelSolution } from './solve.js'
export { ModelBuilder, type LinearModel, type ModelVariable, type ModelConstraint } from './model.js'
export { verifySolution, type Verification, type ConstraintViolation } from './verify.js'
export { haversineMetres, type LngLat, type DistanceTable } from './geo.js'
export { resolveWeights, type DemandWeights, type DemandSource } from './demand.js'
export {
  SolverInputError,
  type SolveMeta,
  type SolveStatus,
  type SolveProgress,
  type BackendName,
  type BackendChoice,
  type Infeasibility,
  type RunOptions,
  type CancelToken,
} from './types.js'
