/**
 * What the API answers: the response bodies of every operation as zod schemas (requests are
 * in server/contract/requests.ts). They generate the OpenAPI document
 * (server/contract/openapi.ts), and the db suite checks every real response against that
 * document (test/contract.ts), so the document cannot drift from what the server sends.
 */
import { z } from 'zod'
import { DIVISION_LEVELS } from '../../geodata/codes.js'
import { SPECIAL_GROUPS, type SpecialGroup } from '../../solver/policy.js'
import { COVERAGE_STATUSES } from '../services/coverage.js'
import { RULE_IDS } from '../services/rules.js'
import { INSPECTION_REASONS } from '../services/compliance.js'
import { PLAN_STATUSES } from './jobs.js'
import { PLAN_KINDS, PlanParams } from './requests.js'
import { PlanDiff } from './plan-diffs.js'

const Level = z.enum(DIVISION_LEVELS)
const Position = z.array(z.number()).min(2).max(3)
const Geometry = z.object({ type: z.string(), coordinates: z.array(z.unknown()) }).loose()
const Text = z.object({ zh: z.string(), en: z.string() })

// Typed by the groups' names (Object.fromEntries forgets them), so clients get every group as a key.
export const SpecialGroupCounts = z.object(Object.fromEntries(SPECIAL_GROUPS.map((g) => [g, z.number().int().min(0)])) as Record<SpecialGroup, z.ZodNumber>)

export const Summary = z.object({
  villages: z.number().int().min(0),
  population: z.number().int().min(0),
  specialGroups: SpecialGroupCounts,
  stations: z.number().int().min(0),
  gridUnits: z.number().int().min(0),
  servicePoints: z.number().int().min(0),
  workers: z.number().int().min(0),
  stationWorkers: z.number().int().min(0),
  pointWorkers: z.number().int().min(0),
})

export const User = z.object({
  id: z.number().int(),
  username: z.string(),
  role: z.enum(['admin', 'bureau', 'planner', 'supervisor', 'viewer']),
  scope: z.string(),
  supervisorId: z.string().nullable(),
})
export const LoginReply = z.object({ user: User, expiresAt: z.string(), csrfToken: z.string() })
/** Signed in: the user and the session's CSRF token; signed out: `{ user: null }`. */
export const Me = z.object({ user: User.nullable(), csrfToken: z.string().optional() })

export const Health = z.object({
  status: z.literal('ok'),
  database: z.enum(['embedded', 'postgres']),
  postgis: z.string(),
  dataVersion: z.number().int().min(0),
})

export const DivisionRow = z.object({
  code: z.string(),
  name: z.string(),
  level: Level,
  parentCode: z.string().nullable(),
  population: z.number().int().min(0),
})

export const DivisionList = z.object({ divisions: z.array(DivisionRow) })

export const DivisionDetail = DivisionRow.extend({
  childLevel: Level.nullable(),
  children: z.number().int().min(0),
  summary: Summary,
})

const featureCollection = <P extends z.ZodType>(properties: P, geometry: z.ZodType = Geometry) =>
  z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(z.object({ type: z.literal('Feature'), id: z.string(), geometry, properties })),
  })

export const DivisionChildren = featureCollection(
  Summary.extend({ code: z.string(), name: z.string(), level: Level, parentCode: z.string().nullable() }),
)

export const Villages = featureCollection(
  SpecialGroupCounts.extend({
    code: z.string(),
    name: z.string(),
    townCode: z.string(),
    population: z.number().int().min(0),
    gridUnitId: z.string().nullable(),
    servicePointId: z.string().nullable(),
  }),
)

export const Stations = featureCollection(
  z.object({
    id: z.string(),
    name: z.string(),
    townCode: z.string(),
    adminPosts: z.number().int().min(0),
    servicePosts: z.number().int().min(0),
    gridUnits: z.number().int().min(0),
    supervisorId: z.string().nullable(),
    supervisorName: z.string().nullable(),
  }),
)

export const GridUnits = featureCollection(
  z.object({
    id: z.string(),
    name: z.string(),
    stationId: z.string(),
    townCode: z.string(),
    villageCodes: z.array(z.string()),
  }),
  Geometry.nullable(),
)

export const ServicePoints = featureCollection(
  z.object({
    id: z.string(),
    name: z.string(),
    gridUnitId: z.string(),
    stationId: z.string(),
    villageCode: z.string(),
    townCode: z.string(),
    workers: z.number().int().min(0),
  }),
)

export const Workers = featureCollection(
  z.object({
    id: z.string(),
    name: z.string(),
    post: z.enum(['station', 'point']),
    stationId: z.string(),
    servicePointId: z.string().nullable(),
    townCode: z.string(),
    certified: z.boolean(),
    specialty: z.string().nullable(),
    hiredOn: z.string().nullable(),
  }),
  Geometry.nullable(),
)

/** A supervisor based outside the reader's scope is `restricted`: id, name and the reader's stations only, no base. */
export const Supervisors = featureCollection(
  z.object({
    id: z.string(),
    name: z.string(),
    restricted: z.boolean(),
    countyCode: z.string().nullable(),
    stationIds: z.array(z.string()),
    stationCount: z.number().int().min(0).nullable(),
  }),
  Geometry.nullable(),
)

export const RuleCheck = z.object({
  within: z.string(),
  violations: z.array(
    z
      .object({
        rule: z.enum(RULE_IDS),
        code: z.string(),
        source: z.string(),
        message: Text,
      })
      .loose(),
  ),
})

const Status = z.enum(COVERAGE_STATUSES)
const AreaCoverage = z.object({
  code: z.string(),
  name: z.string(),
  villages: z.number().int(),
  population: z.number().int(),
  coveredVillages: z.number().int(),
  coveredPct: z.number(),
  specialGroupMembers: z.number().int(),
  specialGroupMembersReached: z.number().int(),
  specialGroupReachedPct: z.number(),
  stations: z.number().int(),
  adminPosts: z.number().int(),
  adminPostsRequired: z.number().int(),
  servicePosts: z.number().int(),
  servicePostsRequired: z.number().int(),
  statusCounts: z.object({ uncovered: z.number().int(), far: z.number().int(), overloaded: z.number().int(), ok: z.number().int() }),
  demandPerWorker: z.object({
    units: z.number().int(),
    median: z.number().nullable(),
    max: z.number().nullable(),
    maxOverMedian: z.number().nullable(),
    gini: z.number().nullable(),
  }),
})

export const Coverage = z.object({
  within: z.string(),
  name: z.string(),
  params: z.object({ distanceKm: z.number(), overloadFactor: z.number(), weights: z.record(z.string(), z.number()) }),
  /** The median `overloaded` is judged against, when the scope lies in one county (null above). */
  medianDemandPerWorker: z.number().nullable(),
  /** Per county of the scope: its median demand per worker over its grid units and the `overloaded` threshold. */
  overload: z.array(z.object({ county: z.string(), median: z.number().nullable(), threshold: z.number().nullable() })),
  total: AreaCoverage,
  counties: z.array(AreaCoverage),
  towns: z.array(AreaCoverage),
  villages: featureCollection(
    z.object({
      code: z.string(),
      name: z.string(),
      townCode: z.string(),
      population: z.number().int(),
      specialGroupMembers: z.number().int(),
      demand: z.number(),
      gridUnitId: z.string().nullable(),
      servicePointId: z.string().nullable(),
      servicePointName: z.string().nullable(),
      distanceKm: z.number().nullable(),
      unitWorkers: z.number().int(),
      demandPerWorker: z.number().nullable(),
      status: Status,
      flags: z.array(Status),
    }),
    Geometry.nullable(),
  ),
  violations: RuleCheck.shape.violations,
})

/** The solver's verified result, summarised; each plan kind adds its own figures. */
const SolverResult = z
  .object({
    status: z.string(),
    objective: z.number().nullable(),
    verified: z.boolean(),
    backend: z.string().optional(),
    ms: z.number().optional(),
    gap: z.number().nullable().optional(),
    /** Why the rules cannot hold (infeasible plans): which town, rule and numbers. */
    explanations: z.array(z.object({ message: Text.optional() }).loose()).optional(),
  })
  .loose()

/** A coverage report without villages, as a plan stores it before and after (plus each village's status). */
export const PlanCoverage = Coverage.omit({ villages: true }).extend({ villageStatus: z.record(z.string(), Status) })

export const PlanCreated = z.object({ id: z.uuid(), jobId: z.uuid() })

export { Job } from './jobs.js'

export const PlanSummary = z
  .object({
    id: z.uuid(),
    kind: z.enum(PLAN_KINDS),
    within: z.string(),
    status: z.enum(PLAN_STATUSES),
    // Loose: a plan keeps the parameters it was computed with, also those of older versions.
    params: PlanParams.extend({ revertOf: z.uuid().optional() }).loose(),
    createdBy: z.string(),
    createdAt: z.string(),
    dataVersion: z.number().nullable(),
    result: SolverResult.nullable(),
    error: z.string().nullable(),
    appliedAt: z.string().nullable(),
    appliedBy: z.string().nullable(),
    revertsPlanId: z.string().nullable(),
    /** The approval: who submitted it with what note, who decided and what they said. */
    review: z
      .object({
        submittedBy: z.string(),
        submittedAt: z.string(),
        note: z.string().nullable(),
        decision: z.enum(['approved', 'returned']).nullable(),
        decidedBy: z.string().nullable(),
        decidedAt: z.string().nullable(),
        comment: z.string().nullable(),
      })
      .nullable(),
    /** Name of the division the plan is for. */
    withinName: z.string().nullable(),
  })
  .loose()

export const Plan = PlanSummary.extend({
  diff: PlanDiff.nullable(),
  coverage: z.object({ before: PlanCoverage, after: PlanCoverage }).nullable(),
})

/** A history row: the plan without its diff and coverage, with its key numbers. */
export const PlanListItem = PlanSummary.extend({
  figures: z.object({
    /** The diff's summary counts (per kind, see plan-diffs.ts). */
    summary: z.record(z.string(), z.number()).nullable(),
    before: PlanCoverage.shape.total.nullable(),
    after: PlanCoverage.shape.total.nullable(),
  }),
})
export const PlanList = z.object({ plans: z.array(PlanListItem) })

/** GET /api/plans/staff/bounds: budgets (total workers) a county's staff plan accepts. */
export const StaffBounds = z.object({
  within: z.string(),
  name: z.string(),
  /** The smallest headcount the rules allow (2 admin posts per station, service posts ≥ villages and ≥ points). */
  minimum: z.number().int().min(0),
  /** Today's workers. */
  current: z.number().int().min(0),
  /** The default budget: every town keeps its workers and recruits what the rules need. */
  keep: z.number().int().min(0),
  /** The largest budget accepted: today × STAFF_BUDGET_MAX_FACTOR (solver/policy.ts), or `keep` if larger. */
  maximum: z.number().int().min(0),
})

export const EditResult = z.object({ dataVersion: z.number().int(), warnings: RuleCheck.shape.violations })

export const AuditEntry = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  user: z.string(),
  action: z.string(),
  summary: Text,
  scope: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  /** The divisions within the reader's scope that the entry touched. */
  divisions: z.array(z.string()),
  /** What the entry links to: a plan (its id) or the edited worker, village or service point. */
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
})
export const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() })

export const SessionInfo = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  /** The session of this request. */
  current: z.boolean(),
})
export const SessionList = z.object({ user: z.string(), sessions: z.array(SessionInfo) })

/** An API token as its owner sees it (never the secret, except once when created). */
export const TokenInfo = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expired: z.boolean(),
})
export const TokenCreated = TokenInfo.extend({ token: z.string().regex(/^sbt_[A-Za-z0-9_-]{43}$/).describe('The token: shown this once only; send it as Authorization: Bearer <token>, or as the password of HTTP Basic with your user name') })
export const TokenList = z.object({ tokens: z.array(TokenInfo) })

/** The OpenAPI document itself (its shape is the OpenAPI 3.0 specification's). */
export const OpenApi = z.object({ openapi: z.string().startsWith('3.0.'), info: z.object({ title: z.string() }).loose(), paths: z.record(z.string(), z.unknown()) }).loose()

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    field: z.string().optional(),
    /** The detail in both languages of the UI, where the server has it (the UI shows `text`, else `detail`). */
    text: Text.optional(),
  })
  .loose()

export { Position }

/** An Office Open XML workbook (.xlsx). */
export const Workbook = z.string().meta({ format: 'binary' })

/** A Mapbox Vector Tile 2.1 (protobuf). */
export const VectorTile = z.string().meta({ format: 'binary' })

/** TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0), with the layer's attributes. */
export const TileJson = z.object({
  tilejson: z.literal('3.0.0'),
  name: z.string(),
  description: z.string(),
  attribution: z.string(),
  scheme: z.literal('xyz'),
  tiles: z.array(z.string()).min(1),
  minzoom: z.number().int().min(0).max(30),
  maxzoom: z.number().int().min(0).max(30),
  bounds: z.array(z.number()).length(4),
  center: z.array(z.number()).length(3),
  vector_layers: z.array(
    z.object({
      id: z.string(),
      description: z.string(),
      minzoom: z.number().int(),
      maxzoom: z.number().int(),
      fields: z.record(z.string(), z.string()),
    }),
  ),
  /** This API's additions: the geometry version and scope the URLs carry, and how to key feature-state. */
  geometryVersion: z.number().int().min(0),
  scope: z.string(),
  promoteId: z.string().nullable(),
})

/** A year of China's working-day calendar: every day, `unpublished` when no State Council notice is stored (Monday-Friday, tentative). */
export const CalendarYear = z.object({
  year: z.number().int(),
  status: z.enum(['official', 'unpublished']),
  source: z.string(),
  days: z.array(z.object({ date: z.string(), workday: z.boolean(), name: z.string().optional() })).min(365).max(366),
})

// --- supervisors' visits (issue 11) --------------------------------------------------------

const LngLat = z.array(z.number()).length(2)
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
export const VISIT_PLAN_STATUSES = ['computing', 'draft', 'failed', 'published', 'superseded', 'discarded', 'cancelled'] as const

/** The solver's verified outcome of a visit plan; `objective` = km. `edited`: a date was changed after solving (re-verified). */
export const VisitPlanResult = z
  .object({
    status: z.string(),
    verified: z.boolean(),
    objective: z.number().nullable(),
    explanations: z.array(z.object({ message: Text }).loose()).optional(),
  })
  .loose()

const VisitPlanHead = z.object({
  id: z.uuid(),
  supervisorId: z.string(),
  supervisorName: z.string(),
  month: z.string(),
  status: z.enum(VISIT_PLAN_STATUSES),
  calendarStatus: z.enum(['official', 'unpublished']).nullable(),
  calendarSource: z.string().nullable(),
  warnings: z.array(Text),
  result: VisitPlanResult,
  totalKm: z.number().nullable(),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  /** The announcement: when and by whom; `late` when published after the month had begun (Asia/Shanghai). */
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  late: z.boolean().nullable(),
  /** The month's publication number (the ICS SEQUENCE of the visits it wrote). */
  sequence: z.number().int().nullable(),
})

export const VisitPlan = VisitPlanHead.extend({
  params: z.record(z.string(), z.unknown()),
  base: LngLat.nullable(),
  workingDays: z.array(IsoDate),
  visits: z.array(
    z.object({
      stationId: z.string(),
      stationName: z.string(),
      townCode: z.string().nullable(),
      townName: z.string().nullable(),
      lnglat: LngLat.nullable(),
      dates: z.array(IsoDate),
      hours: z.number(),
      theme: z.string().nullable(),
    }),
  ),
  legs: z.array(z.object({ from: LngLat, to: LngLat, fromId: z.string(), toId: z.string(), date: IsoDate, km: z.number() })),
})
export const VisitPlanList = z.object({ plans: z.array(VisitPlanHead.extend({ stations: z.number().int() })) })

export const VisitRecord = z.object({
  id: z.uuid(),
  supervisorId: z.string(),
  supervisorName: z.string(),
  stationId: z.string(),
  stationName: z.string(),
  townCode: z.string(),
  townName: z.string(),
  countyName: z.string().nullable(),
  lnglat: LngLat,
  month: z.string(),
  dates: z.array(IsoDate),
  hours: z.number(),
  theme: z.string().nullable(),
  planId: z.string().nullable(),
  sequence: z.number().int(),
  status: z.enum(['planned', 'done', 'missed']),
  hoursDone: z.number().nullable(),
  notes: z.string().nullable(),
  recordedBy: z.string().nullable(),
  recordedAt: z.string().nullable(),
})
export const VisitList = z.object({ within: z.string(), month: z.string(), visits: z.array(VisitRecord) })

/** The subscription URL, shown once (only its hash is stored). */
export const CalendarToken = z.object({ supervisorId: z.string(), url: z.string(), createdAt: z.string() })
/** An iCalendar (RFC 5545) document. */
export const ICalendar = z.string().meta({ description: 'text/calendar; charset=utf-8 (RFC 5545)' })
// ——— Supervision compliance (issue 11) ———

const RecordMeta = { recordedBy: z.string(), recordedAt: z.iso.datetime() }
const StationColumns = { stationId: z.string(), stationName: z.string(), townCode: z.string() }

/** A station's score for a quarter. */
export const StationScore = z.object({ id: z.uuid(), ...StationColumns, quarter: z.string(), score: z.number().min(0).max(100), inspector: z.string(), date: z.string(), ...RecordMeta })
export const StationScoreList = z.object({ within: z.string(), quarter: z.string().nullable(), scores: z.array(StationScore) })

/** A visit of the city supervision group to a station. */
export const Inspection = z.object({ id: z.uuid(), ...StationColumns, quarter: z.string(), date: z.string(), inspector: z.string(), findings: z.string(), ...RecordMeta })
export const InspectionList = z.object({ within: z.string(), quarter: z.string().nullable(), inspections: z.array(Inspection) })

/** Hours of a worker's pre-job or professional training (personal data: roles with `training:read`). */
export const TrainingRecord = z.object({
  id: z.uuid(),
  workerId: z.string(),
  workerName: z.string(),
  stationId: z.string(),
  townCode: z.string(),
  date: z.string(),
  kind: z.enum(['prejob', 'professional']),
  hours: z.number().positive(),
  course: z.string(),
  ...RecordMeta,
})
export const TrainingList = z.object({ within: z.string(), year: z.number().int().nullable(), records: z.array(TrainingRecord) })

const RuleRef = z.object({ source: z.string(), text: Text })
const Reason = z.object({ code: z.enum(INSPECTION_REASONS), ...Text.shape })

/** GET /api/inspection-plan: which stations the city group visits in a quarter, and why. */
export const InspectionPlan = z.object({
  within: z.string(),
  name: z.string(),
  quarter: z.string(),
  previousQuarter: z.string(),
  rule: RuleRef.extend({ share: z.number() }),
  stations: z.number().int().min(0),
  required: z.number().int().min(0),
  selected: z.number().int().min(0),
  counties: z.array(z.object({ code: z.string(), name: z.string(), stations: z.number().int(), selected: z.number().int() })),
  plan: z.array(
    z.object({
      rank: z.number().int().min(1),
      ...StationColumns,
      countyCode: z.string(),
      countyName: z.string(),
      selected: z.boolean(),
      inspectedThisQuarter: z.boolean(),
      inspectedLastQuarter: z.boolean(),
      lastScore: z.object({ quarter: z.string(), score: z.number() }).nullable(),
      yellowCard: z.boolean(),
      reasons: z.array(Reason).min(1),
    }),
  ),
})

const Share = z.object({ stations: z.number().int().min(0), inspected: z.number().int().min(0), share: z.number().min(0), required: z.number().int().min(0), meets: z.boolean() })

/** GET /api/compliance: the supervision rules in a division for a quarter (README "Compliance report"). */
export const ComplianceReport = z.object({
  within: z.string(),
  name: z.string(),
  quarter: z.string(),
  months: z.array(z.string()).length(3),
  quarters: z.array(z.string()).min(1),
  visits: z.object({
    rule: RuleRef,
    /** Always true since the visit records exist (kept for clients of the first version). */
    available: z.boolean(),
    note: Text.nullable(),
    missed: z.array(z.object({ ...StationColumns, month: z.string(), longestVisitHours: z.number().min(0) })),
  }),
  supervisors: z.object({
    rule: RuleRef.extend({ min: z.number().int(), max: z.number().int() }),
    outside: z.array(z.object({ supervisorId: z.string(), name: z.string(), countyCode: z.string(), stations: z.number().int().min(0) })),
  }),
  inspections: z.object({
    rule: RuleRef.extend({ share: z.number() }),
    quarters: z.array(Share.extend({ quarter: z.string() })),
    counties: z.array(Share.extend({ code: z.string(), name: z.string() })),
  }),
  scores: z.object({
    rule: RuleRef.extend({ scoreBelow: z.number(), consecutiveQuarters: z.number().int() }),
    yellowCards: z.number().int().min(0),
    stations: z.array(
      z.object({
        ...StationColumns,
        scores: z.array(z.object({ quarter: z.string(), score: z.number().nullable(), yellowCard: z.boolean() })),
        yellowCard: z.boolean(),
      }),
    ),
  }),
  training: z.object({
    rule: RuleRef.extend({ preJob: z.number(), perYear: z.number() }),
    year: z.number().int(),
    /** The year has ended (Asia/Shanghai); before that, professional hours are the year's so far. */
    yearComplete: z.boolean(),
    workers: z.number().int().min(0),
    preJobShort: z.number().int().min(0),
    professionalShort: z.number().int().min(0),
    /** true: the reader's role may not see workers by name (`training:read`): counts only, `gaps` empty. */
    restricted: z.boolean(),
    gaps: z.array(
      z.object({
        workerId: z.string(),
        workerName: z.string(),
        ...StationColumns,
        preJobHours: z.number().min(0),
        professionalHours: z.number().min(0),
        preJobShort: z.number().min(0),
        professionalShort: z.number().min(0),
      }),
    ),
  }),
})
