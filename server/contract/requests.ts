/**
 * What the API accepts: path, query and body schemas of every operation (zod), with their
 * limits. Routes parse with them (server/http/validate.ts parseInput: 400 naming the
 * field), services take their `z.infer` types, and the OpenAPI document is generated from
 * them (server/contract/openapi.ts), so the three cannot disagree.
 */
import { z } from 'zod'
import { DIVISION_CODE_HINT, DIVISION_CODE_PATTERN, DIVISION_LEVELS, levelCodePattern } from '../../geodata/codes.js'
import { DEFAULT_DEMAND_WEIGHTS, SPECIAL_GROUPS } from '../../solver/policy.js'
import { PLAN_LIMITS } from './defaults.js'
import { isIsoDate } from '../../solver/visits/month.js'

/** A division code: province 2 digits, city 4, county 6, town 9, village 12 (geodata/codes.ts). */
export const DivisionCode = z.string().regex(new RegExp(DIVISION_CODE_PATTERN), DIVISION_CODE_HINT)
/** A village's code: 12 digits. */
export const VillageCode = z.string().regex(new RegExp(levelCodePattern('village')), 'a village code of 12 digits, e.g. 440203100201')
/** The id of a station, grid unit, service point, worker or supervisor. */
export const EntityId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'an id like sp-440203100-1')
/** The id of a plan or job. */
export const Uuid = z.uuid('an id like 0b7c…-…')

export const WithinQuery = z.object({ within: DivisionCode }).strict()
export const CodeParams = z.object({ code: DivisionCode })
export const VillageParams = z.object({ code: VillageCode })
export const EntityParams = z.object({ id: EntityId })
export const IdParams = z.object({ id: Uuid })

/** `level`: the divisions of that level inside the division (default: its children), e.g. the towns of a city. */
export const ChildrenQuery = z.object({ level: z.enum(DIVISION_LEVELS.slice(1) as ['city', 'county', 'town', 'village']).optional() }).strict()

export const LoginBody = z.object({ username: z.string().min(1).max(40), password: z.string().min(1).max(200) }).strict()

export const CoverageQuery = z
  .object({
    within: DivisionCode,
    distanceKm: z.coerce.number().positive().max(200).optional(),
    overloadFactor: z.coerce.number().min(1).max(10).optional(),
    geometry: z.enum(['true', 'false']).optional(),
  })
  .strict()

export const PLAN_KINDS = ['staff', 'grids', 'supervisors'] as const
export type PlanKindName = (typeof PLAN_KINDS)[number]

const L = PLAN_LIMITS
const weight = z.number().min(0).max(L.weightMax, `at most ${L.weightMax} (the defaults are 1-30 per person)`)
const WEIGHT_KEYS = ['population', ...SPECIAL_GROUPS] as const
/** The weights of weighted demand; those left out keep their defaults, and some weight must stay above 0. */
const Weights = z
  .object(Object.fromEntries(WEIGHT_KEYS.map((k) => [k, weight.optional()])))
  .strict()
  .refine((w) => WEIGHT_KEYS.some((k) => (w[k] ?? DEFAULT_DEMAND_WEIGHTS[k]) > 0), {
    message: 'every weight is 0: no village would have any demand; give at least one weight above 0',
    params: { zh: '所有权重都为 0：任何村(居)都没有需求，请至少给一项大于 0 的权重' },
  })
/** Parameters of a plan; every one optional (defaults: README "How plans are computed"). */
export const PlanParams = z
  .object({
    weights: Weights.optional(),
    budget: z.number().int().min(0).max(100_000).optional(),
    moveCost: z.number().min(L.moveCost.min).max(L.moveCost.max).optional(),
    crossTownMoveCost: z.number().min(L.moveCost.min).max(L.moveCost.max).optional(),
    /** Staff plans: whether a worker may be transferred to another town (default false: the town employs its workers). */
    allowTransfers: z.boolean().optional(),
    /** The old name of `allowTransfers` (used when `allowTransfers` is absent). */
    allowCrossTownMoves: z.boolean().optional(),
    /** Staff plans: longest transfer, km from the worker's post to the new one (default 30). */
    maxTransferKm: z.number().min(L.maxTransferKm.min).max(L.maxTransferKm.max).optional(),
    distanceKm: z.number().min(L.distanceKm.min).max(L.distanceKm.max).optional(),
    overloadFactor: z.number().min(L.overloadFactor.min).max(L.overloadFactor.max).optional(),
    timeLimitSec: z.number().min(L.timeLimitSec.min, `at least ${L.timeLimitSec.min} s: a plan needs seconds to solve`).max(L.timeLimitSec.max).optional(),
    gridUnits: z.union([z.literal('keep'), z.literal('auto'), z.literal(2), z.literal(3)]).optional(),
  })
  .strict()

/** GET /api/plans/staff/bounds: the budgets a county's staff plan accepts. */
export const StaffBoundsQuery = z.object({ within: z.string().regex(new RegExp(levelCodePattern('county')), 'a county code of 6 digits, e.g. 440222') }).strict()

export const CreatePlanBody = z.object({ kind: z.enum(PLAN_KINDS), within: DivisionCode, params: PlanParams.optional() }).strict()

/** GET /api/plans/:id/export.xlsx: the document's language (default zh). */
export const PlanExportQuery = z.object({ lang: z.enum(['zh', 'en']).optional() }).strict()

/** POST /api/plans/:id/submit: the planner's note to the approver. */
export const SubmitPlanBody = z.object({ note: z.string().trim().max(2000).optional() }).strict()
/** POST /api/plans/:id/return: why the plan goes back to its planner. */
export const ReturnPlanBody = z.object({ comment: z.string().trim().min(1, 'say why the plan is returned').max(2000) }).strict()
/** POST /api/plans/:id/approve: no fields. */
export const ApprovePlanBody = z.object({}).strict()

export const MoveWorkerBody = z.object({ to: EntityId }).strict()
export const VillageGridUnitBody = z.object({ gridUnitId: EntityId.nullable() }).strict()
export const ServicePointHostBody = z.object({ villageCode: VillageCode }).strict()

/** A user name (the users table's rule). */
export const Username = z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,39}$/, 'a user name: 2-40 of a-z, 0-9, _ . -')
/** An instant with its offset, e.g. 2026-12-01T00:00:00+08:00 or 2026-11-30T16:00:00Z. */
const Instant = z.iso.datetime({ offset: true, message: 'a date and time with its offset, e.g. 2026-12-01T00:00:00+08:00' })

/** GET /api/audit: `within` defaults to the reader's scope; `since` inclusive, `until` exclusive. */
export const AuditQuery = z
  .object({
    within: DivisionCode.optional(),
    since: Instant.optional(),
    until: Instant.optional(),
    user: Username.optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict()

/** GET /api/sessions: another user's sessions (admins only). */
export const SessionsQuery = z.object({ user: Username.optional() }).strict()

/** POST /api/tokens: a name the owner recognises the token by, and its lifetime (default 90 days, at most 365). */
export const CreateTokenBody = z
  .object({
    name: z.string().trim().min(1, 'name the token, e.g. QGIS on my laptop').max(100),
    expiresInDays: z.number().int().min(1).max(365).optional(),
  })
  .strict()

/** The vector-tile layers of GET /tiles/{layer}/… (README "Vector tiles"). */
export const TILE_LAYERS = ['villages', 'towns', 'counties', 'cities', 'grid-units', 'stations', 'service-points'] as const
export type TileLayerName = (typeof TILE_LAYERS)[number]
/** The deepest zoom a tile is cut at (TileJSON's maxzoom is lower: clients overzoom past it). */
export const MAX_TILE_ZOOM = 20

const TileLayer = z.enum(TILE_LAYERS)
/** Tile numbers as written in a URL: decimal digits, no sign, no leading zero (ranges checked by the tiles service). */
const TileNumber = z.string().regex(/^(0|[1-9][0-9]{0,6})$/, 'a non-negative integer')
export const TileParams = z.object({
  layer: TileLayer,
  z: z.string().regex(/^(0|[1-9][0-9]?)$/, `a zoom level 0-${MAX_TILE_ZOOM}`),
  x: TileNumber,
  y: TileNumber,
})
export const TileJsonParams = z.object({ layer: TileLayer })
/**
 * `v`: the geometry version the URL was made for (TileJSON puts it there): when it is the
 * current one, the tile may be cached for a year. `scope`: the division whose features the
 * tile holds ('' = the nation); within the caller's own scope (the default).
 */
export const TileQuery = z
  .object({
    v: z.string().regex(/^[0-9]{1,15}$/, 'a geometry version (digits)').optional(),
    scope: z.union([DivisionCode, z.literal('')]).optional(),
  })
  .strict()
export const TileJsonQuery = z.object({ scope: z.union([DivisionCode, z.literal('')]).optional() }).strict()
/** A year of the working-day calendar. */
export const YearParams = z.object({ year: z.string().regex(/^20[0-9]{2}$/, 'a year 2000-2099, e.g. 2027') })
/** A date `YYYY-MM-DD` (an Asia/Shanghai calendar day). */
export const CalendarDate = z
  .string()
  .regex(/^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'a date YYYY-MM-DD')
  .refine(isIsoDate, 'not a date of the calendar')
const CalendarName = z.string().min(1).max(40)
/**
 * A year's arrangement as the State Council's notice publishes it: every day off
 * (`holidays`, weekend days inside a holiday included) and every adjusted working day
 * (`workdays`, a Saturday or Sunday); `source` names the notice.
 */
export const CalendarArrangementBody = z
  .object({
    source: z.string().min(1).max(300),
    holidays: z.array(z.object({ date: CalendarDate, name: CalendarName }).strict()).min(1).max(80),
    workdays: z.array(z.object({ date: CalendarDate, name: CalendarName.optional() }).strict()).max(30),
  })
  .strict()

/**
 * Parameters of a visit plan (issue 11 contract; POST /api/visit-plans is built on them):
 * every one optional, defaults in solver/policy.ts (SUPERVISION_VISITS, DEFAULT_DETOUR_FACTOR).
 */
const DateList = z.array(CalendarDate).max(31)
export const VisitPlanParams = z
  .object({
    hoursPerDay: z.number().positive().max(24).optional(),
    unavailable: DateList.optional(),
    blocked: z.record(EntityId, DateList).optional(),
    fixed: z.record(EntityId, DateList).optional(),
    detourFactor: z.number().min(1).max(5).optional(),
  })
  .strict()
/** A month `YYYY-MM`. */
export const Month = z.string().regex(/^20[0-9]{2}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM, e.g. 2026-02')
export const CreateVisitPlanBody = z.object({ supervisorId: EntityId, month: Month, params: VisitPlanParams.optional() }).strict()
/** GET /api/visit-plans: the caller's visit plans, optionally of one supervisor and month. */
export const VisitPlanListQuery = z.object({ supervisorId: EntityId.optional(), month: Month.optional() }).strict()
/** PATCH /api/visit-plans/:id/visits/:stationId: the visit of a station in a draft. */
export const VisitEditParams = z.object({ id: Uuid, stationId: EntityId })
/**
 * A visit's theme (null clears it) and/or its dates: consecutive working days of the month,
 * re-verified with every rule of the plan (a broken one is a 400 naming `dates`).
 */
export const VisitEditBody = z
  .object({
    theme: z.string().trim().min(1).max(200).nullable().optional(),
    dates: z.array(CalendarDate).min(1).max(31).optional(),
  })
  .strict()
/** GET /api/visits: the visits of a month at the stations of a division. */
export const VisitsQuery = z.object({ within: DivisionCode, month: Month }).strict()
/** POST /api/visits/:id/record: done needs `hours`; missed needs the reason in `notes`. */
export const RecordVisitBody = z
  .object({
    status: z.enum(['done', 'missed']),
    hours: z.number().positive().max(744).optional(),
    notes: z.string().max(2000).optional(),
  })
  .strict()
/** GET /api/supervisors/:id/visits.ics: the month of the feed. */
export const MonthQuery = z.object({ month: Month }).strict()
/** GET /ics/:token.ics: a calendar subscription token (43 base64url characters). */
export const CalendarTokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a calendar token of 43 characters') })

/** A quarter `YYYYQn` (Asia/Shanghai), e.g. 2026Q3. */
export const Quarter = z.string().regex(/^20[0-9]{2}Q[1-4]$/, 'a quarter YYYYQn, e.g. 2026Q3')
/** A person's name as written on a record (an inspector). */
const PersonName = z.string().trim().min(1).max(100)
/** A number with at most one decimal (a refinement, not `multipleOf`: a float step like 0.1 is inexact in JSON schema validators). */
const oneDecimal = (v: number) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-6
const halfSteps = (v: number) => Math.abs(v * 2 - Math.round(v * 2)) < 1e-6

/** GET /api/compliance and GET /api/inspection-plan: a division and a quarter. */
export const ComplianceQuery = z.object({ within: DivisionCode, quarter: Quarter }).strict()
export const InspectionPlanQuery = ComplianceQuery

/** GET /api/station-scores, /api/inspections: the records of a division, of one quarter or all. */
export const StationRecordsQuery = z.object({ within: DivisionCode, quarter: Quarter.optional() }).strict()
/** GET /api/training-records: the records of a division's workers, of one calendar year or all. */
export const TrainingRecordsQuery = z.object({ within: DivisionCode, year: z.string().regex(/^20[0-9]{2}$/, 'a year 2000-2099, e.g. 2026').optional() }).strict()

/** POST /api/station-scores: a station's score for a quarter (one per station and quarter), given on `date`. */
export const StationScoreBody = z
  .object({ stationId: EntityId, quarter: Quarter, score: z.number().min(0).max(100).refine(oneDecimal, 'a score 0-100 with at most one decimal'), inspector: PersonName, date: CalendarDate })
  .strict()
/** POST /api/inspections: a visit of the city supervision group; `quarter`, when given, must be the date's. */
export const InspectionBody = z
  .object({ stationId: EntityId, date: CalendarDate, quarter: Quarter.optional(), inspector: PersonName, findings: z.string().trim().max(4000) })
  .strict()
export const TRAINING_KINDS = ['prejob', 'professional'] as const
/** POST /api/training-records: hours of a worker's pre-job or professional training on `date`. */
export const TrainingBody = z
  .object({ workerId: EntityId, date: CalendarDate, kind: z.enum(TRAINING_KINDS), hours: z.number().positive().max(200).refine(halfSteps, 'hours in steps of 0.5'), course: z.string().trim().min(1).max(200) })
  .strict()
