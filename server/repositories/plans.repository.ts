/** Plans and jobs rows. Every read by id also filters by the caller's scope. */
import type { Knex } from 'knex'
import type { StoredPlanStatus } from '../contract/jobs.js'
import type { PlanDiff } from '../contract/plan-diffs.js'
import type { PlanKindName } from '../contract/requests.js'
import { under } from './scope.js'

export interface PlanReview {
  submittedBy: string
  submittedAt: string
  note: string | null
  decision: 'approved' | 'returned' | null
  decidedBy: string | null
  decidedAt: string | null
  comment: string | null
}

export interface PlanRow {
  id: string
  kind: PlanKindName
  within: string
  status: StoredPlanStatus
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
  /** The approval so far (null until submitted). */
  review: PlanReview | null
  /** Name of the division `within` (read only). */
  withinName: string | null
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
const reviewColumns = {
  submittedBy: 'submitted_by',
  submittedAt: 'submitted_at',
  note: 'submit_note',
  decision: 'decision',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  comment: 'decision_comment',
} as const
const JSON_COLUMNS = new Set(['params', 'inputTables', 'countyVersions', 'result', 'diff', 'coverage', 'targetState', 'beforeState'])

type WritablePlan = Omit<PlanRow, 'review' | 'withinName'> & { review: Partial<PlanReview> }

function toRow(fields: Partial<WritablePlan>): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'review') {
      for (const [k, v] of Object.entries(value as Partial<PlanReview>)) row[reviewColumns[k as keyof PlanReview]] = v
      continue
    }
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
  out.review = r.submitted_by
    ? Object.fromEntries(Object.entries(reviewColumns).map(([k, c]) => [k, r[c] instanceof Date ? (r[c] as Date).toISOString() : (r[c] ?? null)]))
    : null
  out.withinName = (r.within_name as string | undefined) ?? null
  return out as unknown as PlanRow
}

/** The plan columns, the review's and the name of the plan's division. */
const selectPlan = (knex: Knex, columns: string[]) =>
  knex('plans as p')
    .select([...columns, ...Object.values(reviewColumns)].map((c) => `p.${c}`))
    .select('d.name as within_name')
    .leftJoin('divisions as d', 'd.code', 'p.within')

export async function insertPlan(knex: Knex, plan: Pick<PlanRow, 'id' | 'kind' | 'within' | 'status' | 'params' | 'createdBy'> & Partial<WritablePlan>): Promise<void> {
  await knex('plans').insert(toRow(plan))
}

export async function updatePlan(knex: Knex, id: string, fields: Partial<WritablePlan>): Promise<void> {
  await knex('plans').where({ id }).update(toRow(fields))
}

/** Writes the outcome of a computation to a plan still computing; false when it is not (e.g. cancelled). */
export async function finishComputing(knex: Knex, id: string, fields: Partial<WritablePlan>): Promise<boolean> {
  return (await knex('plans').where({ id, status: 'computing' }).update(toRow(fields))) === 1
}

/** The plan with this id within the scope, or null. */
export async function findPlan(knex: Knex, id: string, scope: string, opts: { forUpdate?: boolean } = {}): Promise<PlanRow | null> {
  const q = selectPlan(knex, Object.values(planColumns)).where('p.id', id).andWhereLike('p.within', under(scope))
  if (opts.forUpdate) q.forUpdate('p')
  const row = await q.first()
  return row ? fromRow(row) : null
}

export type PlanListRow = Omit<PlanRow, 'targetState' | 'beforeState' | 'diff' | 'coverage'> & {
  figures: { summary: Record<string, number> | null; before: unknown; after: unknown }
}

/** Plans whose scope lies within `within` (newest first), without their bulky parts, with their key numbers. */
export async function listPlans(knex: Knex, within: string, limit = 100): Promise<PlanListRow[]> {
  const bulky = ['target_state', 'before_state', 'diff', 'coverage']
  const rows = await selectPlan(
    knex,
    Object.values(planColumns).filter((c) => !bulky.includes(c)),
  )
    .select(knex.raw(`p.diff->'summary' as figures_summary, p.coverage->'before'->'total' as figures_before, p.coverage->'after'->'total' as figures_after`))
    .whereLike('p.within', under(within))
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : (v ?? null))
  return rows.map((r: Record<string, unknown>) => {
    const p = fromRow(r) as Partial<PlanRow>
    for (const k of ['targetState', 'beforeState', 'diff', 'coverage'] as const) delete p[k]
    return { ...(p as PlanListRow), figures: { summary: json(r.figures_summary), before: json(r.figures_before), after: json(r.figures_after) } }
  })
}
