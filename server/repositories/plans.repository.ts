/** Plans and jobs rows. Every read by id also filters by the caller's scope. */
import type { PlanDiff } from '../contract/plan-diffs.js'
import type { Knex } from 'knex'
import type { PlanStatus } from '../contract/jobs.js'
import type { PlanKindName } from '../contract/requests.js'
import { under } from './scope.js'

export type { PlanStatus } from '../contract/jobs.js'

export interface PlanRow {
  id: string
  kind: PlanKindName
  within: string
  status: PlanStatus
  params: Record<string, unknown>
  createdBy: string
  createdAt: string
  inputTables: Record<string, string> | null
  /** The version of the plan's scope when it was computed (for display). */
  dataVersion: number | null
  /** The counters of the plan's counties when it was computed: apply checks them. */
  countyVersions: Record<string, number> | null
  result: Record<string, unknown> | null
  diff: PlanDiff | null
  coverage: { before: unknown; after: unknown } | null
  targetState: unknown
  beforeState: unknown
  error: string | null
  appliedAt: string | null
  appliedBy: string | null
  revertsPlanId: string | null
}

const planColumns = {
  id: 'id',
  kind: 'kind',
  within: 'within',
  status: 'status',
  params: 'params',
  createdBy: 'created_by',
  createdAt: 'created_at',
  inputTables: 'input_tables',
  dataVersion: 'data_version',
  countyVersions: 'county_versions',
  result: 'result',
  diff: 'diff',
  coverage: 'coverage',
  targetState: 'target_state',
  beforeState: 'before_state',
  error: 'error',
  appliedAt: 'applied_at',
  appliedBy: 'applied_by',
  revertsPlanId: 'reverts_plan_id',
} as const
const JSON_COLUMNS = new Set(['params', 'inputTables', 'countyVersions', 'result', 'diff', 'coverage', 'targetState', 'beforeState'])

function toRow(fields: Partial<PlanRow>): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    const column = planColumns[key as keyof typeof planColumns]
    if (!column) throw new Error(`unknown plan field ${key}`)
    row[column] = JSON_COLUMNS.has(key) && value !== null && value !== undefined ? JSON.stringify(value) : value
  }
  return row
}

function fromRow(r: Record<string, unknown>): PlanRow {
  const out: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(planColumns)) {
    let v = r[column]
    if (JSON_COLUMNS.has(key) && typeof v === 'string') v = JSON.parse(v)
    if (v instanceof Date) v = v.toISOString()
    out[key] = v
  }
  out.dataVersion = r.data_version === null ? null : Number(r.data_version)
  return out as unknown as PlanRow
}

export async function insertPlan(knex: Knex, plan: Pick<PlanRow, 'id' | 'kind' | 'within' | 'status' | 'params' | 'createdBy'> & Partial<PlanRow>): Promise<void> {
  await knex('plans').insert(toRow(plan))
}

export async function updatePlan(knex: Knex, id: string, fields: Partial<PlanRow>): Promise<void> {
  await knex('plans').where({ id }).update(toRow(fields))
}

/** Writes the outcome of a computation to a plan still computing; false when it is not (e.g. cancelled). */
export async function finishComputing(knex: Knex, id: string, fields: Partial<PlanRow>): Promise<boolean> {
  return (await knex('plans').where({ id, status: 'computing' }).update(toRow(fields))) === 1
}

/** The plan with this id within the scope, or null. */
export async function findPlan(knex: Knex, id: string, scope: string, opts: { forUpdate?: boolean } = {}): Promise<PlanRow | null> {
  const q = knex('plans').where({ id }).andWhereLike('within', under(scope))
  if (opts.forUpdate) q.forUpdate()
  const row = await q.first()
  return row ? fromRow(row) : null
}

/** Plans whose scope lies within `within` (newest first), without their bulky states. */
export async function listPlans(knex: Knex, within: string, limit = 100): Promise<Omit<PlanRow, 'targetState' | 'beforeState' | 'diff'>[]> {
  const rows = await knex('plans')
    .select(Object.values(planColumns).filter((c) => !['target_state', 'before_state', 'diff'].includes(c)))
    .whereLike('within', under(within))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
  return rows.map((r) => {
    const p = fromRow(r) as Partial<PlanRow>
    delete p.targetState
    delete p.beforeState
    delete p.diff
    return p as Omit<PlanRow, 'targetState' | 'beforeState' | 'diff'>
  })
}
