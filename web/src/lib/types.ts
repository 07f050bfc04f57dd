/**
 * Shapes of the JSON API as the web uses them (GET /api/openapi.json, generated from
 * server/contract/, is the reference). Where the server has the type, it is imported here
 * type-only, so nothing of the server reaches the bundle; the programme's constants come
 * from solver/policy.ts, a pure module.
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Point } from 'geojson'
import type { z } from 'zod'
import type * as Api from '../../../server/contract/responses'

/** The body of a response schema of server/contract/responses.ts. */
type Body<S extends z.ZodType> = z.infer<S>
/** The feature properties of a FeatureCollection response schema. */
type Properties<S extends z.ZodType<{ features: { properties: unknown }[] }>> = z.infer<S>['features'][number]['properties']

export type User = Body<typeof Api.User>
export type Role = User['role']
export type Problem = Body<typeof Api.Problem>

// The programme's groups come from the one rules module (pure, browser-safe).
export { SPECIAL_GROUPS, type SpecialGroup, type SpecialGroupCounts } from '../../../solver/policy'

export type DivisionRow = Body<typeof Api.DivisionRow>
export type DivisionDetail = Body<typeof Api.DivisionDetail>
export type Summary = DivisionDetail['summary']

// Feature collections: the properties are the contract's; the geometry is typed as GeoJSON
// here (the contract checks only that there is one), since the map reads the coordinates.
export type DivisionChildProps = Properties<typeof Api.DivisionChildren>
export type DivisionChildren = FeatureCollection<MultiPolygon, DivisionChildProps>
export type StationProps = Properties<typeof Api.Stations>
export type ServicePointProps = Properties<typeof Api.ServicePoints>
export type GridUnitProps = Properties<typeof Api.GridUnits>
export type WorkerProps = Properties<typeof Api.Workers>
/** A supervisor based outside the reader's scope is `restricted`: name and the reader's stations only. */
export type SupervisorProps = Properties<typeof Api.Supervisors>
export type VillageListProps = Properties<typeof Api.Villages>

export type Stations = FeatureCollection<Point, StationProps>
export type ServicePoints = FeatureCollection<Point, ServicePointProps>
export type GridUnits = FeatureCollection<Geometry | null, GridUnitProps>
export type Workers = FeatureCollection<Point | null, WorkerProps>
export type Supervisors = FeatureCollection<Point, SupervisorProps>

// Coverage shapes are the server's own types (type-only: nothing of the server reaches the bundle).
export type { AreaCoverage, CoverageStatus, Spread, VillageCoverage } from '../../../server/services/coverage'
import type { VillageCoverage } from '../../../server/services/coverage'
// The statuses in their order (a value, from the pure coverage module: no I/O, browser-safe).
export { COVERAGE_STATUSES } from '../../../server/services/coverage'

// Rule violations and coverage reports are the server's own types (type-only).
export type { RuleId, RuleViolation as Violation } from '../../../server/services/rules'
export type { CoverageParams } from '../../../server/services/coverage'
export type { CoverageReport } from '../../../server/services/coverage.service'

export type VillageFeature = Feature<MultiPolygon | null, VillageCoverage>

/** A job and its progress step as the API answers them (server/contract/jobs.ts). */
export type { Job, JobState, JobStep } from '../../../server/contract/jobs'

export type { PlanKindName as PlanKind } from '../../../server/contract/requests'
export type { PlanStatus } from '../../../server/contract/job-states'

/** Plan parameters as the API accepts them (server/contract/requests.ts). */
export type PlanParams = z.infer<typeof import('../../../server/contract/requests').PlanParams> & { revertOf?: string }

// Plans, their results and each kind's diff are the contract's own schemas (type-only).
export type PlanSummary = Body<typeof Api.PlanSummary>
/** A history row: the plan with its key numbers (figures). */
export type PlanListItem = Body<typeof Api.PlanListItem>
export type StaffBounds = Body<typeof Api.StaffBounds>
export type Plan = Body<typeof Api.Plan>
export type SolverResult = NonNullable<Plan['result']>
/** A coverage report without villages, as stored in a plan (plus each village's status). */
export type CoverageSummary = NonNullable<Plan['coverage']>['before']
export type {
  PlanDiff,
  StaffPlanDiff as StaffDiff,
  GridPlanDiff as GridsDiff,
  SupervisorPlanDiff as SupervisorsDiff,
  WorkerMove,
} from '../../../server/contract/plan-diffs'

// The audit trail and the sessions are the server's own types (type-only).
export type { AuditEntry, AuditPage } from '../../../server/services/audit.service'
export type { SessionView } from '../../../server/services/sessions.service'

// Supervisors' visit plans, visits and the working-day calendar (the contract's own schemas, type-only).
export type VisitPlan = Body<typeof Api.VisitPlan>
export type PlannedVisit = VisitPlan['visits'][number]
export type VisitRecord = Body<typeof Api.VisitRecord>
export type VisitList = Body<typeof Api.VisitList>
export type CalendarYear = Body<typeof Api.CalendarYear>
export type CalendarToken = Body<typeof Api.CalendarToken>
export type ComplianceReport = Body<typeof Api.ComplianceReport>
export type InspectionPlan = Body<typeof Api.InspectionPlan>
export type StationScore = Body<typeof Api.StationScore>
export type Inspection = Body<typeof Api.Inspection>
export type TrainingRecord = Body<typeof Api.TrainingRecord>
