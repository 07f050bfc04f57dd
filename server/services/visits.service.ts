/**
 * Visit plans (issue 11): one supervisor's month, computed by the solver's `planVisits` on
 * the supervisor's stations and the month's working days from the calendar. The entry a
 * route or a job calls is `planVisitsFor`.
 */
import type { Knex } from 'knex'
import type { z } from 'zod'
import { planVisits, SolverInputError, type PlanVisitsInput, type PlanVisitsResult } from '../../solver/index.js'
import type { SessionUser } from '../auth/roles.js'
import type { VisitPlanParams } from '../contract/requests.js'
import { BadRequest, NotFound } from '../errors.js'
import { findSupervisorWithStations, type SupervisorWithStations } from '../repositories/supervision.repository.js'
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

/**
 * Plans `month` (`YYYY-MM`) for a supervisor the user may see: a supervisor user only its own
 * (another's → 404, as if absent), others a supervisor based in or covering their scope.
 * The caller checks the permission (`visits:manage` or `plan:draft`). Bad parameters →
 * 400 naming `params.<field>`; an infeasible month is a result (`status: infeasible`, its
 * `explanations`), not an error. The solve takes milliseconds (exact DP), so it runs here.
 */
export async function planVisitsFor(
  knex: Knex,
  user: SessionUser,
  request: { supervisorId: string; month: string; params?: z.infer<typeof VisitPlanParams> },
): Promise<VisitPlanComputation> {
  const { supervisorId, month, params = {} } = request
  if (!/^20[0-9]{2}-(0[1-9]|1[0-2])$/.test(month)) throw new BadRequest('month must be YYYY-MM', 'month')
  const notFound = () => new NotFound(`supervisor ${supervisorId} does not exist within your scope`)
  if (user.role === 'supervisor' && user.supervisorId !== supervisorId) throw notFound()
  const supervisor = await findSupervisorWithStations(knex, supervisorId, user.role === 'supervisor' ? undefined : user.scope)
  if (!supervisor) throw notFound()
  if (supervisor.stations.length === 0) throw new BadRequest(`supervisor ${supervisorId} has no stations to visit`, 'supervisorId')
  const calendar = await monthWorkingDays(knex, month)
  const input: PlanVisitsInput = {
    month,
    base: supervisor.base,
    stations: supervisor.stations.map((s) => ({ id: s.id, name: s.name, lnglat: s.lnglat })),
    workingDays: calendar.workingDays,
    calendar: { status: calendar.status, source: calendar.source },
    ...params,
  }
  let result: PlanVisitsResult
  try {
    result = await planVisits(input)
  } catch (err) {
    if (err instanceof SolverInputError) throw new BadRequest(err.message, err.field ? `params.${err.field}` : 'params')
    throw err
  }
  const { stations, ...rest } = supervisor
  return { supervisor: { id: rest.id, name: rest.name, countyCode: rest.countyCode, base: rest.base }, stations, month, calendar: { ...calendar }, input, result }
}
