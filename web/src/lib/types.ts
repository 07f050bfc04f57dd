/**
 * Shapes of the JSON API as the web uses them (GET /api/openapi.json, generated from
 * server/contract/, is the reference). Where the server has the type, it is imported here
 * type-only, so nothing of the server reaches the bundle; the programme's constants come
 * from solver/policy.ts, a pure module.
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Point } from 'geojson'

export type Role = 'admin' | 'bureau' | 'planner' | 'supervisor' | 'viewer'
export type Level = 'city' | 'county' | 'town' | 'village'
export type Text = { zh: string; en: string }

export interface User {
  id: number
  username: string
  role: Role
  /** Division code the user is limited to ('44' = all of Guangdong). */
  scope: string
  supervisorId: string | null
}

// The programme's groups come from the one rules module (pure, browser-safe).
export { SPECIAL_GROUPS, type SpecialGroup, type SpecialGroupCounts } from '../../../solver/policy'
import type { SpecialGroupCounts } from '../../../solver/policy'

// Division shapes are the server's own types (type-only).
export type { DivisionRow, DivisionSummary as Summary } from '../../../server/repositories/divisions.repository'
import type { DivisionRow, DivisionSummary as Summary } from '../../../server/repositories/divisions.repository'

export interface DivisionDetail extends DivisionRow {
  childLevel: Level | null
  children: number
  summary: Summary
}

export type DivisionChildProps = Summary & { code: string; name: string; level: Level; parentCode: string | null }
export type DivisionChildren = FeatureCollection<MultiPolygon, DivisionChildProps>

// Coverage shapes are the server's own types (type-only: nothing of the server reaches the bundle).
export type { AreaCoverage, CoverageStatus, Spread, VillageCoverage } from '../../../server/services/coverage'
import type { CoverageStatus, VillageCoverage } from '../../../server/services/coverage'
export const COVERAGE_STATUSES: readonly CoverageStatus[] = ['uncovered', 'far', 'overloaded', 'ok']

// Rule violations and coverage reports are the server's own types (type-only).
export type { RuleId, RuleViolation as Violation } from '../../../server/services/rules'
export type { CoverageParams } from '../../../server/services/coverage'
export type { CoverageReport } from '../../../server/services/coverage.service'

export type VillageFeature = Feature<MultiPolygon | null, VillageCoverage>


export interface StationProps {
  id: string
  name: string
  townCode: string
  adminPosts: number
  servicePosts: number
  gridUnits: number
  supervisorId: string | null
  supervisorName: string | null
}
export interface ServicePointProps {
  id: string
  name: string
  gridUnitId: string
  stationId: string
  villageCode: string
  townCode: string
  workers: number
}
export interface GridUnitProps {
  id: string
  name: string
  stationId: string
  townCode: string
  villageCodes: string[]
}
export interface WorkerProps {
  id: string
  name: string
  post: 'station' | 'point'
  stationId: string
  servicePointId: string | null
  townCode: string
  certified: boolean
  specialty: string | null
  hiredOn: string | null
}
/** A supervisor based outside the reader's scope is `restricted`: name and the reader's stations only. */
export interface SupervisorProps {
  id: string
  name: string
  restricted: boolean
  countyCode: string | null
  /** The supervisor's stations inside the reader's scope. */
  stationIds: string[]
  /** All its stations (null when restricted). */
  stationCount: number | null
}
export type VillageListProps = SpecialGroupCounts & {
  code: string
  name: string
  townCode: string
  population: number
  gridUnitId: string | null
  servicePointId: string | null
}

export type Stations = FeatureCollection<Point, StationProps>
export type ServicePoints = FeatureCollection<Point, ServicePointProps>
export type GridUnits = FeatureCollection<Geometry | null, GridUnitProps>
export type Workers = FeatureCollection<Point | null, WorkerProps>
export type Supervisors = FeatureCollection<Point, SupervisorProps>

/** A job and its progress step as the API answers them (server/contract/jobs.ts). */
export type { Job, JobState, JobStep } from '../../../server/contract/jobs'

export type { PlanKindName as PlanKind } from '../../../server/contract/requests'
export type { PlanStatus } from '../../../server/contract/job-states'

/** Plan parameters as the API accepts them (server/contract/requests.ts). */
export type PlanParams = import('zod').infer<typeof import('../../../server/contract/requests').PlanParams> & { revertOf?: string }

// Plans, their results and each kind's diff are the contract's own schemas (type-only).
type Infer<T extends import('zod').ZodType> = import('zod').infer<T>
type Responses = typeof import('../../../server/contract/responses')
export type PlanSummary = Infer<Responses['PlanSummary']>
export type Plan = Infer<Responses['Plan']>
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

export interface Problem {
  type?: string
  title: string
  status: number
  detail: string
  field?: string
}

// The audit trail and the sessions are the server's own types (type-only).
export type { AuditEntry, AuditPage } from '../../../server/services/audit.service'
export type { SessionView } from '../../../server/services/sessions.service'
