/**
 * Visit plans (issue 11): one supervisor's month, computed by the solver's `planVisits` on
 * the supervisor's stations and the month's working days from the calendar. The entry a
 * route or a job calls is `planVisitsFor`; `visibleSupervisor` and `visitInput` are its
 * two halves (who may plan whom; what the solver gets).
 */
import type { Knex } from 'knex'
import type { z } from 'zod'
import { planVisits, SolverInputError, type PlanVisitsInput, type PlanVisitsResult } from '../../solver/index.js'
import type { SessionUser } from '../auth/roles.js'
import type { VisitPlanParams } from '../contract/requests.js'
import { BadRequest, NotFound } from '../errors.js'
import { findSupervisorWithStations, type SupervisorWithStations } from '../repositories/supervision.repository.js'
import type { VisitViewer } from '../repositories/visit-plans.repository.js'
import { supervisorVisits, type VisitRow } from '../repositories/visits.repository.js'
import { shanghaiDate } from './calendar.js'
import { monthWorkingDays } from './calendar.service.js'

/** What `planVisitsFor` answers: the solver's verified result with what it was computed from. */
export interface VisitPlanComputation {
  supervisor: Pick<SupervisorWithStations, 'id' | 'name' | 'countyCode' | 'base'>
  stations: SupervisorWithStations['stations']
  month: string
  calendar: { status: 'official' | 'unpublished'; source: string; workingDays: string[] }
  /** The solver's input, kept so a plan can be re-verified (solver/visits/verify.ts) later. */
  input: PlanVisitsInput
  result: PlanVisitsResult
}

/** How a user reads visit plans and visits: a supervisor user its own supervisor's alone. */
export function viewerOf(user: SessionUser): VisitViewer {
  return { scope: user.scope, ownSupervisorId: user.role === 'supervisor' ? (user.supervisorId ?? '') : null }
}

/**
 * A supervisor the user may see, with its stations: a supervisor user only its own (another's
 * → 404, as if absent), others a supervisor based in or covering their scope.
 */
export async function visibleSupervisor(knex: Knex, user: SessionUser, supervisorId: string): Promise<SupervisorWithStations> {
  const notFound = () => new NotFound(`supervisor ${supervisorId} does not exist within your scope`)
  if (user.role === 'supervisor' && user.supervisorId !== supervisorId) throw notFound()
  const supervisor = await findSupervisorWithStations(knex, supervisorId, user.role === 'supervisor' ? undefined : user.scope)
  if (!supervisor) throw notFound()
  return supervisor
}

const union = (a: string[] | undefined, b: string[]) => [...new Set([...(a ?? []), ...b])].sort()

/**
 * The solver's input for a month: the stations, the calendar's working days and the
 * parameters, plus what the month's recorded visits fix. A visit recorded done is kept: its
 * dates are fixed for its station. A missed visit's dates are blocked for its station (it
 * needs another visit). In the current month (Asia/Shanghai `today`), the working days
 * before today are blocked for every station without a visit done: nothing new is planned
 * in the past (a month that has ended is planned whole, e.g. to document it afterwards).
 */
export async function visitInput(
  knex: Knex,
  supervisor: SupervisorWithStations,
  month: string,
  params: z.infer<typeof VisitPlanParams> = {},
  today: string = shanghaiDate(),
): Promise<{ input: PlanVisitsInput; calendar: VisitPlanComputation['calendar']; recorded: VisitRow[] }> {
  if (!/^20[0-9]{2}-(0[1-9]|1[0-2])$/.test(month)) throw new BadRequest('month must be YYYY-MM', 'month')
  if (supervisor.stations.length === 0) throw new BadRequest(`supervisor ${supervisor.id} has no stations to visit`, 'supervisorId')
  const calendar = await monthWorkingDays(knex, month)
  const ids = new Set(supervisor.stations.map((s) => s.id))
  const recorded = (await supervisorVisits(knex, supervisor.id, { month })).filter((v) => v.status !== 'planned' && ids.has(v.stationId))
  const fixed: Record<string, string[]> = { ...(params.fixed ?? {}) }
  const blocked: Record<string, string[]> = { ...(params.blocked ?? {}) }
  for (const v of recorded) {
    if (v.status === 'done') fixed[v.stationId] = union(fixed[v.stationId], v.dates)
    else blocked[v.stationId] = union(blocked[v.stationId], v.dates)
  }
  const past = today.startsWith(`${month}-`) ? calendar.workingDays.filter((d) => d < today) : []
  if (past.length) {
    for (const s of supervisor.stations) if (!recorded.some((v) => v.stationId === s.id && v.status === 'done')) blocked[s.id] = union(blocked[s.id], past)
  }
  const input: PlanVisitsInput = {
    month,
    base: supervisor.base,
    stations: supervisor.stations.map((s) => ({ id: s.id, name: s.name, lnglat: s.lnglat })),
    workingDays: calendar.workingDays,
    calendar: { status: calendar.status, source: calendar.source },
    ...params,
    ...(Object.keys(fixed).length ? { fixed } : {}),
    ...(Object.keys(blocked).length ? { blocked } : {}),
  }
  return { input, calendar: { ...calendar }, recorded }
}

/** The solver's input errors as the API's: 400 naming `params.<field>`. */
export function asParamsError(err: unknown): never {
  if (err instanceof SolverInputError) throw new BadRequest(err.message, err.field ? `params.${err.field}` : 'params')
  throw err
}

/**
 * Plans `month` (`YYYY-MM`) for a supervisor the user may see (`visibleSupervisor`). The
 * caller checks the permission (`visits:manage`). Bad parameters → 400 naming
 * `params.<field>`; an infeasible month is a result (`status: infeasible`, its
 * `explanations`), not an error. The solve takes milliseconds (exact DP).
 */
export async function planVisitsFor(
  knex: Knex,
  user: SessionUser,
  request: { supervisorId: string; month: string; params?: z.infer<typeof VisitPlanParams> },
): Promise<VisitPlanComputation> {
  if (!/^20[0-9]{2}-(0[1-9]|1[0-2])$/.test(request.month)) throw new BadRequest('month must be YYYY-MM', 'month')
  const supervisor = await visibleSupervisor(knex, user, request.supervisorId)
  return computeVisits(knex, supervisor, request.month, request.params)
}

/** Solves a month for a supervisor (no permission check: a job's, or `planVisitsFor`'s after its check). */
export async function computeVisits(knex: Knex, supervisor: SupervisorWithStations, month: string, params?: z.infer<typeof VisitPlanParams>): Promise<VisitPlanComputation> {
  const { input, calendar } = await visitInput(knex, supervisor, month, params)
  const result = await planVisits(input).catch(asParamsError)
  const { stations } = supervisor
  return { supervisor: { id: supervisor.id, name: supervisor.name, countyCode: supervisor.countyCode, base: supervisor.base }, stations, month, calendar, input, result }
}
