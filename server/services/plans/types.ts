/** What each kind of plan provides to the plan workflow (plans.service.ts). */
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { PlanParams as PlanParamsSchema } from '../../contract/requests.js'
import type { PlanDiff } from '../../contract/plan-diffs.js'
import type { DivisionLevel } from '../../../geodata/codes.js'
import type { JobContext } from '../jobs.js'

/** A plan's parameters as the API accepts them (server/contract/requests.ts), plus what the server sets. */
export type PlanParams = z.infer<typeof PlanParamsSchema> & {
  /** Set by the server on revert plans. */
  revertOf?: string
}

export interface ComputedPlan<State> {
  /** The solver's verified result, summarised (status, objective, gap, backend, ms, verified ...). */
  result: Record<string, unknown>
  /** The state of the network part this kind changes, after the plan. */
  target: State
}

export interface PlanStrategy<State, Diff extends PlanDiff = PlanDiff> {
  /** Checks the parameters before a job starts (throws BadRequest naming the field); may read the data in scope. */
  validate?(params: PlanParams, within: string, knex: Knex): void | Promise<void>
  /** Division levels this kind plans for. */
  scopes: DivisionLevel[]
  /** The current state in scope. */
  readState(knex: Knex, within: string): Promise<State>
  /** Writes a target state (inside the apply transaction). */
  writeState(trx: Knex.Transaction, within: string, state: State): Promise<void>
  /** Runs the solver (its solves stop when `ctx.signal` aborts); throws PlanInfeasible when the rules cannot hold. */
  compute(knex: Knex, within: string, params: PlanParams, ctx: JobContext): Promise<ComputedPlan<State>>
  /** What changes from `before` to `after`, in the planner's words (server/contract/plan-diffs.ts); `result`: the computed plan's, absent for a revert. */
  diff(knex: Knex, within: string, before: State, after: State, result?: Record<string, unknown>): Promise<Diff>
}

/** The input breaks a rule no plan can satisfy; `explanations` say which town, rule and numbers. */
export class PlanInfeasible extends Error {
  constructor(
    message: string,
    readonly explanations: unknown[],
    readonly result: Record<string, unknown> = {},
  ) {
    super(message)
  }
}
