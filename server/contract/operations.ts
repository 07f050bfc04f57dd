/**
 * Every operation of the API in one table: method, path, who may call it, what it takes
 * (requests.ts) and what it answers (responses.ts). The OpenAPI document is
 * generated from this table (openapi.ts), the contract test checks every real response of
 * the db suite against that document, and the fuzz tier generates its requests from it.
 */
import type { z } from 'zod'
import * as S from './responses.js'
import * as R from './requests.js'
import * as O from './ogc.js'

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface ResponseSpec {
  description: string
  /** Body schema; absent for bodiless answers (204, 304). */
  schema?: z.ZodType
  /** Media type of the body (default application/json). */
  type?: string
  /** Further media types the same body is sent as (content negotiation). */
  alsoTypes?: string[]
}

export interface Operation {
  method: Method
  /** OpenAPI path template, e.g. /api/divisions/{code}. */
  path: string
  summary: string
  /** No session needed. */
  public?: boolean
  params?: z.ZodObject
  query?: z.ZodObject
  body?: z.ZodType
  /** The answers this operation gives besides the common ones (see openapi.ts). */
  responses: Record<number, ResponseSpec>
  /** A role without this permission gets 403. */
  permission?: string
  /** Answered from the versioned cache: ETag, 304 on revalidation. */
  cached?: boolean
  /** Also takes an API token (Bearer, or HTTP Basic with the user name): the OGC API and the tiles. */
  tokens?: boolean
}

const GEOJSON = 'application/geo+json'
const ok = (schema: z.ZodType, description = 'OK', type?: string): ResponseSpec => ({ description, schema, type })
const problem = (description: string): ResponseSpec => ({ description, schema: S.Problem, type: 'application/problem+json' })

const listOp = (path: string, summary: string, schema: z.ZodType): Operation => ({
  method: 'get',
  path,
  summary,
  permission: 'read',
  query: R.WithinQuery,
  responses: { 200: ok(schema, 'GeoJSON FeatureCollection', GEOJSON), 400: problem('within missing or malformed'), 404: problem('no such division in your scope') },
})

const editResponses: Record<number, ResponseSpec> = {
  200: ok(S.EditResult, 'Done; `warnings` lists the rule violations the edit introduced'),
  400: problem('a field is malformed, or the edit crosses a county/town/unit boundary'),
  404: problem('no such worker, village, unit or point in your scope'),
  409: problem('a concurrent change removed or altered what the edit refers to'),
}

const planById = (action: string, summary: string, status: number, more: Record<number, ResponseSpec>, body?: z.ZodType): Operation => ({
  method: 'post',
  path: `/api/plans/{id}/${action}`,
  summary,
  permission: ['apply', 'approve', 'return'].includes(action) ? 'plan:apply' : 'plan:draft',
  params: R.IdParams,
  body,
  responses: { [status]: ok(S.Plan, summary), 400: problem(body ? 'malformed id or body; `field` names it' : 'malformed id'), 404: problem('no such plan in your scope'), ...more },
})

const notAcceptable = problem('the Accept header names no media type this resource has (JSON only; no HTML)')
const ogc = (path: string, summary: string, more: Partial<Operation> & { responses: Record<number, ResponseSpec> }): Operation => ({
  method: 'get',
  path,
  summary,
  permission: 'read',
  tokens: true,
  query: O.OgcDocQuery,
  ...more,
  responses: { 406: notAcceptable, ...more.responses },
})

/** OGC API – Features (README "OGC API and tokens"); /ogc/api serves these alone as the OGC API's definition. */
const OGC_OPERATIONS: Operation[] = [
  ogc('/ogc', 'OGC API landing page: links to the API definition, the conformance declaration and the collections', { responses: { 200: ok(O.OgcLanding) } }),
  ogc('/ogc/conformance', 'The conformance classes the OGC API implements (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 2 CRS)', { responses: { 200: ok(O.OgcConformance) } }),
  ogc('/ogc/api', 'The OGC API definition (OpenAPI 3.0) of /ogc', { query: O.OgcApiQuery, responses: { 200: { ...ok(S.OpenApi, 'OpenAPI 3.0 document', 'application/vnd.oai.openapi+json'), alsoTypes: ['application/json'] } } }),
  ogc('/ogc/collections', "The feature collections, each with the extent of the caller's scope and its CRSs", { responses: { 200: ok(O.OgcCollections) } }),
  ogc('/ogc/collections/{collectionId}', 'A feature collection', { params: O.OgcCollectionParams, responses: { 200: ok(O.OgcCollection), 400: problem('unknown collection or parameter') } }),
  ogc('/ogc/collections/{collectionId}/items', "A page of a collection's features in the caller's scope (GeoJSON; Content-Crs names the CRS)", {
    params: O.OgcCollectionParams,
    query: O.OgcItemsQuery,
    responses: {
      200: ok(O.OgcFeatureCollection, 'GeoJSON FeatureCollection with links (self, next, prev), numberMatched, numberReturned, timeStamp', GEOJSON),
      400: problem('an unknown or invalid parameter (a filter the collection does not take, limit beyond 10,000, a bbox or CRS not understood); `field` names it'),
      404: problem('a county, town or city filter outside your scope'),
    },
  }),
  ogc('/ogc/collections/{collectionId}/items/{featureId}', 'One feature by id, with its links', {
    params: O.OgcFeatureParams,
    query: O.OgcFeatureQuery,
    responses: { 200: ok(O.OgcFeature, 'GeoJSON Feature', GEOJSON), 400: problem('unknown collection, malformed id or an unknown parameter'), 404: problem('no such feature in your scope') },
  }),
]
const recordList = (path: string, summary: string, schema: z.ZodType, query: z.ZodObject, permission: string): Operation => ({
  method: 'get',
  path,
  summary,
  permission,
  query,
  responses: { 200: ok(schema), 400: problem('within missing or malformed, or a malformed filter; `field` names it'), 404: problem('no such division in your scope') },
})
const recordCreate = (path: string, summary: string, schema: z.ZodType, body: z.ZodType, more: Record<number, ResponseSpec>): Operation => ({
  method: 'post',
  path,
  summary,
  permission: 'compliance:manage',
  body,
  responses: {
    201: ok(schema, 'Recorded'),
    400: problem('a field is malformed or unknown, a date in the future (Asia/Shanghai), or a quarter not the date\'s; `field` names it'),
    404: problem('no such station or worker in your scope'),
    ...more,
  },
})
const recordDelete = (path: string, summary: string): Operation => ({
  method: 'delete',
  path,
  summary,
  permission: 'compliance:manage',
  params: R.IdParams,
  responses: { 204: { description: 'Deleted' }, 400: problem('malformed id'), 404: problem('no such record in your scope') },
})

export const OPERATIONS: Operation[] = [
  { method: 'get', path: '/api/health', summary: 'Liveness, database kind, PostGIS version, data version', public: true, responses: { 200: ok(S.Health) } },
  { method: 'get', path: '/api/openapi.json', summary: 'This document (OpenAPI 3.0)', public: true, responses: { 200: ok(S.OpenApi, 'OpenAPI 3.0 document') } },
  {
    method: 'post',
    path: '/api/login',
    summary: 'Sign in; sets the httpOnly session cookie sb_session and answers the CSRF token',
    public: true,
    body: R.LoginBody,
    responses: {
      200: ok(S.LoginReply, 'Signed in'),
      400: problem('username or password missing or malformed'),
      401: problem('wrong username or password'),
      429: problem('too many failed sign-ins for this name or client; see Retry-After'),
    },
  },
  { method: 'post', path: '/api/logout', summary: 'Sign out (ends the session)', responses: { 204: { description: 'Signed out' } } },
  { method: 'get', path: '/api/me', summary: 'The signed-in user and CSRF token, or { user: null }', public: true, responses: { 200: ok(S.Me) } },
  { method: 'get', path: '/api/divisions', summary: "The caller's top division", permission: 'read', responses: { 200: ok(S.DivisionList) } },
  {
    method: 'get',
    path: '/api/divisions/{code}',
    summary: 'A division with the number of its children and its summary',
    permission: 'read',
    cached: true,
    params: R.CodeParams,
    responses: { 200: ok(S.DivisionDetail), 400: problem('malformed code'), 404: problem('no such division in your scope') },
  },
  {
    method: 'get',
    path: '/api/divisions/{code}/children',
    summary: "A division's children (or its divisions of ?level=, e.g. the towns of a city) as GeoJSON with their summaries",
    permission: 'read',
    cached: true,
    params: R.CodeParams,
    query: R.ChildrenQuery,
    responses: { 200: ok(S.DivisionChildren, 'GeoJSON FeatureCollection', GEOJSON), 400: problem('malformed code, or a level not below the division'), 404: problem('no such division in your scope') },
  },
  listOp('/api/villages', 'Villages with population, special groups, grid unit and service point', S.Villages),
  listOp('/api/stations', 'Stations with their posts, grid units and supervisor (id and name)', S.Stations),
  listOp('/api/grid-units', 'Grid units with their villages (geometry: their union)', S.GridUnits),
  listOp('/api/service-points', 'Service points with their workers count', S.ServicePoints),
  listOp('/api/workers', 'Workers with their posts (geometry: home)', S.Workers),
  listOp('/api/supervisors', "Supervisors and their stations in the reader's scope (geometry: base, for supervisors based in it)", S.Supervisors),
  {
    method: 'get',
    path: '/api/calendar/{year}',
    summary: "Every day of a year with China's working days (State Council holidays and adjusted working days); a year without a published notice is `unpublished` (Monday-Friday, tentative)",
    permission: 'read',
    params: R.YearParams,
    responses: { 200: ok(S.CalendarYear), 400: problem('malformed year') },
  },
  {
    method: 'put',
    path: '/api/calendar/{year}',
    summary: "Load (or replace) a year's official arrangement from the State Council's notice; audited",
    permission: 'calendar:manage',
    params: R.YearParams,
    body: R.CalendarArrangementBody,
    responses: { 200: ok(S.CalendarYear, 'The year as now stored'), 400: problem('a field is malformed, a date outside the year or repeated, or an adjusted working day on a weekday; `field` names it') },
  },
  {
    method: 'get',
    path: '/api/rules/check',
    summary: 'Programme-rule violations within a division',
    permission: 'read',
    query: R.WithinQuery,
    responses: { 200: ok(S.RuleCheck), 400: problem('within missing or malformed'), 404: problem('no such division in your scope') },
  },
  {
    method: 'get',
    path: '/api/coverage',
    summary: 'Coverage gaps: every village (GeoJSON) with its status, town/county/scope summaries, rule violations',
    permission: 'read',
    cached: true,
    query: R.CoverageQuery,
    responses: { 200: ok(S.Coverage), 400: problem('a parameter is malformed'), 404: problem('no such division in your scope') },
  },
  {
    method: 'post',
    path: '/api/plans',
    summary: 'Create a plan and start the job that computes it',
    permission: 'plan:draft',
    body: R.CreatePlanBody,
    responses: {
      202: ok(S.PlanCreated, 'Plan created; poll GET /api/jobs/{jobId}'),
      400: problem('a field is malformed or unknown, or the kind is not made for this level; `field` names it'),
      404: problem('no such division in your scope'),
    },
  },
  {
    method: 'get',
    path: '/api/plans',
    summary: 'Plan history within a division (newest first)',
    permission: 'read',
    query: R.WithinQuery,
    responses: { 200: ok(S.PlanList), 400: problem('within missing or malformed'), 404: problem('no such division in your scope') },
  },
  {
    method: 'get',
    path: '/api/plans/staff/bounds',
    summary: "The budgets a county's staff plan accepts: the rules' minimum, today's headcount, the default (keep) and a sane maximum",
    permission: 'read',
    query: R.StaffBoundsQuery,
    responses: { 200: ok(S.StaffBounds), 400: problem('within missing or not a county code'), 404: problem('no such county in your scope') },
  },
  {
    method: 'get',
    path: '/api/plans/{id}',
    summary: 'A plan: params, verified solver result, diff, coverage before/after',
    permission: 'read',
    params: R.IdParams,
    responses: { 200: ok(S.Plan), 400: problem('malformed id'), 404: problem('no such plan in your scope') },
  },
  {
    method: 'get',
    path: '/api/plans/{id}/export.xlsx',
    summary:
      "A plan's document as XLSX: moves and transfers (one row each: name, from, to, km, kind), posts per town and per station/point before/after with recruits, coverage before/after, the parameters and the solver's verification",
    permission: 'read',
    params: R.IdParams,
    query: R.PlanExportQuery,
    responses: {
      200: ok(S.Workbook, 'The workbook', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
      400: problem('malformed id or lang'),
      404: problem('no such plan in your scope'),
    },
  },
  planById('apply', 'Apply a draft, submitted or approved plan in one transaction (roles bureau, admin)', 200, {
    409: problem('the plan is already applied, not open, or outdated: the data in its scope changed since it was computed (changedCounties, changedTables)'),
  }),
  planById(
    'submit',
    'Submit a draft (or returned) plan for approval, with a note to the approver',
    200,
    { 409: problem('the plan is not a draft or returned plan, or it is outdated') },
    R.SubmitPlanBody,
  ),
  planById(
    'approve',
    'Approve a submitted plan (roles bureau, admin; not its submitter); apply it afterwards',
    200,
    { 409: problem('the plan is not submitted, it is outdated, or you submitted it yourself') },
    R.ApprovePlanBody,
  ),
  planById('return', 'Return a submitted plan to its planner with a comment (roles bureau, admin)', 200, { 409: problem('the plan is not submitted') }, R.ReturnPlanBody),
  planById('discard', 'Discard an open (draft, submitted, approved, returned, outdated) or failed plan', 200, { 409: problem('the plan is applied, discarded, cancelled or computing') }),
  planById('revert', 'A new draft plan restoring the state from before an applied plan', 201, { 409: problem('the plan is not applied') }),
  {
    method: 'get',
    path: '/api/jobs/{id}',
    summary: 'Progress and outcome of a job',
    permission: 'read',
    params: R.IdParams,
    responses: { 200: ok(S.Job), 400: problem('malformed id'), 404: problem('no such job in your scope') },
  },
  {
    method: 'post',
    path: '/api/jobs/{id}/cancel',
    summary: 'Cancel a queued or running job: its solve is interrupted and its plan left cancelled',
    permission: 'plan:draft',
    params: R.IdParams,
    responses: {
      200: ok(S.Job, 'Cancelled; the job as it stands now (state cancelled)'),
      400: problem('malformed id'),
      404: problem('no such job in your scope'),
      409: problem('the job has already finished (done, failed or cancelled)'),
    },
  },
  {
    method: 'post',
    path: '/api/visit-plans',
    summary: "Plan a supervisor's month of visits: creates a draft visit plan and the job computing it (a supervisor: its own; an admin: any of its scope)",
    permission: 'visits:manage',
    body: R.CreateVisitPlanBody,
    responses: {
      202: ok(S.PlanCreated, 'Visit plan created; poll GET /api/jobs/{jobId}'),
      400: problem('a field is malformed or unknown (params.* named), or the supervisor has no stations; `field` names it'),
      404: problem('no such supervisor in your scope (a supervisor user: any other supervisor)'),
    },
  },
  {
    method: 'get',
    path: '/api/visit-plans',
    summary: 'Visit plans the caller may see, newest first (a supervisor user: its own), optionally of one supervisor and month',
    permission: 'read',
    query: R.VisitPlanListQuery,
    responses: { 200: ok(S.VisitPlanList), 400: problem('a parameter is malformed'), 404: problem('no such supervisor in your scope') },
  },
  {
    method: 'get',
    path: '/api/visit-plans/{id}',
    summary: 'A visit plan: calendar status and warnings, the verified result, the visits, the route (legs) and km, the announcement',
    permission: 'read',
    params: R.IdParams,
    responses: { 200: ok(S.VisitPlan), 400: problem('malformed id'), 404: problem('no such visit plan in your scope') },
  },
  {
    method: 'patch',
    path: '/api/visit-plans/{id}/visits/{stationId}',
    summary: "Edit a draft's visit to a station: its theme, or its dates (re-verified by the solver's verifier; km recomputed)",
    permission: 'visits:manage',
    params: R.VisitEditParams,
    body: R.VisitEditBody,
    responses: {
      200: ok(S.VisitPlan, 'The plan as edited'),
      400: problem('a field is malformed, or the new dates break a visit rule (`field: dates`, `violations`)'),
      404: problem('no such visit plan in your scope, or no visit to that station in it'),
      409: problem('the plan is no draft'),
    },
  },
  {
    method: 'post',
    path: '/api/visit-plans/{id}/publish',
    summary: "Publish a draft: announces the month's visits to the city, county and towns concerned (audited; `late` after the month began) and writes the visits, keeping those already recorded",
    permission: 'visits:manage',
    params: R.IdParams,
    responses: {
      200: ok(S.VisitPlan, 'Published'),
      400: problem('malformed id'),
      404: problem('no such visit plan in your scope'),
      409: problem('the plan is no draft, or the stations changed or a visit was recorded since it was computed'),
    },
  },
  {
    method: 'get',
    path: '/api/visits',
    summary: 'The visits of a month at the stations of a division, with their records (a supervisor user: its own)',
    permission: 'read',
    query: R.VisitsQuery,
    responses: { 200: ok(S.VisitList), 400: problem('within or month missing or malformed'), 404: problem('no such division in your scope') },
  },
  {
    method: 'post',
    path: '/api/visits/{id}/record',
    summary: 'Record a visit as done (hours) or missed (reason in notes): its supervisor or an admin; audited',
    permission: 'visits:manage',
    params: R.IdParams,
    body: R.RecordVisitBody,
    responses: {
      200: ok(S.VisitRecord, 'Recorded'),
      400: problem('a field is malformed: done without hours, missed without notes, more hours than the days hold, done before the visit began'),
      404: problem('no such visit of yours (or, for an admin, in your scope)'),
    },
  },
  {
    method: 'get',
    path: '/api/supervisors/{id}/visits.ics',
    summary: "A supervisor's visits of a month as iCalendar (RFC 5545): one event per visit day, UIDs stable across republishing, SEQUENCE = publication number",
    permission: 'read',
    params: R.EntityParams,
    query: R.MonthQuery,
    responses: { 200: ok(S.ICalendar, 'The calendar', 'text/calendar'), 400: problem('malformed id or month'), 404: problem('no such supervisor in your scope') },
  },
  {
    method: 'post',
    path: '/api/supervisors/{id}/calendar-token',
    summary: "A new secret subscription URL for the supervisor's visits (shown once; replaces the previous one): its supervisor or an admin",
    permission: 'visits:manage',
    params: R.EntityParams,
    responses: { 201: ok(S.CalendarToken, 'The URL, shown this once'), 400: problem('malformed id'), 404: problem('no such supervisor of yours') },
  },
  {
    method: 'delete',
    path: '/api/supervisors/{id}/calendar-token',
    summary: "Revoke the supervisor's subscription URL: its feed answers 404 at once",
    permission: 'visits:manage',
    params: R.EntityParams,
    responses: { 204: { description: 'Revoked (or there was none)' }, 400: problem('malformed id'), 404: problem('no such supervisor of yours') },
  },
  {
    method: 'get',
    path: '/ics/{token}.ics',
    summary: "A supervisor's calendar subscription (iCalendar, visits from three months back on), by its secret token: no session needed",
    public: true,
    params: R.CalendarTokenParams,
    responses: { 200: ok(S.ICalendar, 'The calendar', 'text/calendar'), 400: problem('malformed token'), 404: problem('no such token, or revoked') },
  },
  {
    method: 'post',
    path: '/api/workers/{id}/move',
    summary: 'Post a worker to a station (administrative) or a service point of the same county',
    permission: 'network:edit',
    params: R.EntityParams,
    body: R.MoveWorkerBody,
    responses: editResponses,
  },
  {
    method: 'put',
    path: '/api/villages/{code}/grid-unit',
    summary: "Set a village's grid unit (a unit of its town), or none",
    permission: 'network:edit',
    params: R.VillageParams,
    body: R.VillageGridUnitBody,
    responses: editResponses,
  },
  {
    method: 'put',
    path: '/api/service-points/{id}/host',
    summary: 'Move a service point to another host village of its grid unit',
    permission: 'network:edit',
    params: R.EntityParams,
    body: R.ServicePointHostBody,
    responses: editResponses,
  },
  {
    method: 'get',
    path: '/api/audit',
    summary: 'The audit trail: who changed what and when, in the scope (roles admin, bureau), newest first, in pages',
    permission: 'audit:read',
    query: R.AuditQuery,
    responses: {
      200: ok(S.AuditPage, 'A page of entries; pass nextCursor as cursor for the next'),
      400: problem('a parameter is malformed (a date without offset, a cursor not made by this API); `field` names it'),
      404: problem('no such division in your scope'),
    },
  },
  {
    method: 'get',
    path: '/api/sessions',
    summary: "The caller's live sessions (an admin may name another user of its scope)",
    query: R.SessionsQuery,
    responses: { 200: ok(S.SessionList), 403: problem('only an admin may list the sessions of another user'), 404: problem('no such user in your scope') },
  },
  {
    method: 'delete',
    path: '/api/sessions/{id}',
    summary: 'Revoke a session (its owner, or an admin of the owner\'s scope); revoking the current one signs out',
    params: R.IdParams,
    responses: { 204: { description: 'Revoked' }, 400: problem('malformed id'), 404: problem('no such session of yours') },
  },
  {
    method: 'post',
    path: '/api/tokens',
    summary: 'Create a personal read-only API token for GIS clients (the OGC API and the tiles); the token is in this answer only',
    permission: 'read',
    body: R.CreateTokenBody,
    responses: { 201: ok(S.TokenCreated, 'Created; keep the token, it is not shown again'), 400: problem('name missing or too long, or expiresInDays not 1-365') },
  },
  { method: 'get', path: '/api/tokens', summary: "The caller's API tokens (never their secrets), newest first", permission: 'read', responses: { 200: ok(S.TokenList) } },
  {
    method: 'delete',
    path: '/api/tokens/{id}',
    summary: 'Revoke an API token of the caller: refused from the next request on',
    permission: 'read',
    params: R.IdParams,
    responses: { 204: { description: 'Revoked' }, 400: problem('malformed id'), 404: problem('no such token of yours') },
  },
  {
    method: 'get',
    path: '/api/compliance',
    summary:
      "The supervision compliance report of a division for a quarter: stations without a visit of ≥ 16 h in a month, supervisors outside 5-8 stations, the city group's inspection share per quarter (≥ 50 %), quarterly station scores and yellow cards, workers below the training hours of the quarter's year (by name only for `training:read`)",
    permission: 'read',
    query: R.ComplianceQuery,
    responses: { 200: ok(S.ComplianceReport), 400: problem('within or quarter missing or malformed; `field` names it'), 404: problem('no such division in your scope') },
  },
  {
    method: 'get',
    path: '/api/inspection-plan',
    summary:
      'The stations the city supervision group visits in a quarter: at least 50 %, every county represented, stations not inspected last quarter and low scorers first; deterministic, with reasons per station',
    permission: 'read',
    query: R.InspectionPlanQuery,
    responses: { 200: ok(S.InspectionPlan), 400: problem('within not a city or county code, or quarter malformed; `field` names it'), 404: problem('no such division in your scope') },
  },
  recordList('/api/station-scores', "Quarterly scores of the division's stations (of one quarter, or all)", S.StationScoreList, R.StationRecordsQuery, 'read'),
  recordCreate('/api/station-scores', "Record a station's score for a quarter (one per station and quarter); audited", S.StationScore, R.StationScoreBody, { 409: problem('the station already has a score for that quarter (`field`: quarter)') }),
  recordDelete('/api/station-scores/{id}', 'Delete a station score (a correction); audited'),
  recordList('/api/inspections', "Inspections of the division's stations by the city supervision group (of one quarter, or all)", S.InspectionList, R.StationRecordsQuery, 'read'),
  recordCreate('/api/inspections', 'Record an inspection by the city supervision group; audited', S.Inspection, R.InspectionBody, {}),
  recordDelete('/api/inspections/{id}', 'Delete an inspection record (a correction); audited'),
  recordList('/api/training-records', "Training records of the division's workers (personal data: roles admin, bureau), of one year or all", S.TrainingList, R.TrainingRecordsQuery, 'training:read'),
  recordCreate('/api/training-records', "Record hours of a worker's pre-job or professional training; audited", S.TrainingRecord, R.TrainingBody, {}),
  recordDelete('/api/training-records/{id}', 'Delete a training record (a correction); audited'),
  {
    method: 'get',
    path: '/tiles/{layer}/{z}/{x}/{y}.mvt',
    summary:
      "A vector tile (Mapbox Vector Tile 2.1) of a layer, holding the features of the caller's scope (or of `scope` within it) with their code, name and ids, no metrics; `v` = the current geometry version → cached for a year (README \"Vector tiles\")",
    permission: 'read',
    cached: true,
    tokens: true,
    params: R.TileParams,
    query: R.TileQuery,
    responses: {
      200: ok(S.VectorTile, 'The tile', 'application/vnd.mapbox-vector-tile'),
      204: { description: 'An empty tile: no feature of the layer in the scope touches it' },
      400: problem('z, x or y malformed or out of range (x, y < 2^z, z ≤ 20), an unknown layer, or a malformed v or scope; `field` names it'),
      404: problem('scope outside your scope'),
    },
  },
  {
    method: 'get',
    path: '/tiles/{layer}.json',
    summary: "TileJSON 3.0 of a layer: the tile URL template (with the geometry version and scope), zooms, the scope's bounds, the layer's fields",
    permission: 'read',
    tokens: true,
    params: R.TileJsonParams,
    query: R.TileJsonQuery,
    responses: { 200: ok(S.TileJson), 400: problem('an unknown layer or a malformed scope; `field` names it'), 404: problem('no such division in your scope') },
  },
  ...OGC_OPERATIONS,
]
