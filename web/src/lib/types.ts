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
import type { CoverageReport } from '../../../server/services/coverage.service'

export type VillageFeature = Feature<MultiPolygon | null, VillageCoverage>

/** A coverage report without villages, as stored in a plan (plus each village's status). */
export type CoverageSummary = Omit<CoverageReport, 'villages'> & { villageStatus: Record<string, CoverageStatus> }

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
import type { PlanKindName as PlanKind } from '../../../server/contract/requests'
import type { PlanStatus } from '../../../server/contract/job-states'
export type { PlanStatus }

/** Plan parameters as the API accepts them (server/contract/requests.ts). */
export type PlanParams = import('zod').infer<typeof import('../../../server/contract/requests').PlanParams> & { revertOf?: string }

export interface SolverResult {
  status: string
  objective: number | null
  verified: boolean
  backend?: string
  ms?: number
  gap?: number | null
  explanations?: { message?: Text }[]
  [more: string]: unknown
}

export interface PostPlace {
  id: string
  name: string
  post: 'station' | 'point'
  townCode: string | null
  lnglat: [number, number] | null
}
export interface WorkerMove {
  workerId: string
  name: string
  from: PostPlace
  to: PostPlace
  crossTown: boolean
  distanceKm: number | null
}
export interface StaffDiff {
  kind: 'staff'
  summary: { moves: number; crossTownMoves: number; townsChanged: number; pointsChanged: number }
  towns: { code: string; name: string; villages: number; before: { adminPosts: number; servicePosts: number }; after: { adminPosts: number; servicePosts: number } }[]
  stations: { id: string; name: string; townCode: string; before: number; after: number }[]
  points: { id: string; name: string; townCode: string; before: number; after: number }[]
  moves: WorkerMove[]
}
export interface SupervisorsDiff {
  kind: 'supervisors'
  summary: { stationsReassigned: number }
  supervisors: { id: string; name: string; before: { stations: number; distanceKm: number }; after: { stations: number; distanceKm: number } }[]
  changes: { stationId: string; name: string; from: { id: string; name: string } | null; to: { id: string; name: string } | null }[]
}
/** A grid plan's diff: villages that change unit, units added/changed/removed, workers re-posted. */
export interface GridsDiff {
  kind: 'grids'
  summary: { villagesMoved: number; unitsAdded: number; unitsRemoved: number; unitsChanged: number; workersMoved: number }
  membership: { villageCode: string; from: string | null; to: string | null }[]
  units: { id: string; townCode: string; change: 'added' | 'removed' | 'changed'; villages: string[]; host: string | null }[]
  moves: { workerId: string; from: string | null; to: string | null }[]
}
export type PlanDiff = StaffDiff | SupervisorsDiff | GridsDiff

export interface PlanSummary {
  id: string
  kind: PlanKind
  within: string
  status: PlanStatus
  params: PlanParams
  createdBy: string
  createdAt: string
  dataVersion: number | null
  result: SolverResult | null
  error: string | null
  appliedAt: string | null
  appliedBy: string | null
  revertsPlanId: string | null
}

export interface Plan extends PlanSummary {
  diff: PlanDiff | null
  coverage: { before: CoverageSummary; after: CoverageSummary } | null
}

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
