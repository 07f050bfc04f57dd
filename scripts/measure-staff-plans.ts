/**
 * Staff plans on the Shaoguan demo, as the README's staff-plan table reports them:
 * `DATABASE_URL=postgres://…/shuangbai_test_x npx tsx scripts/measure-staff-plans.ts`
 * (the database's tables are replaced by a fresh demo; its name must contain "test" or
 * "bench"); without DATABASE_URL an in-memory embedded database. Prints one JSON line per plan.
 */
import { openDatabase } from '../server/db/connection.js'
import { migrateLatest } from '../server/db/migrate.js'
import { clearDataset } from '../server/repositories/dataset.repository.js'
import { seedDemo } from '../server/services/seed.service.js'
import { InProcessJobQueue } from '../server/services/jobs.js'
import { createPlan, getPlan, planJobHandler } from '../server/services/plans.service.js'
import type { SessionUser } from '../server/auth/roles.js'

const url = process.env.DATABASE_URL ?? null
if (url && !/test|bench/.test(new URL(url).pathname)) throw new Error('DATABASE_URL must name a database whose name contains test or bench')
const db = await openDatabase({ databaseUrl: url, dataDir: null })
await migrateLatest(db.knex)
await clearDataset(db.knex)
await seedDemo(db.knex, { city: '4402' })
const user: SessionUser = { id: 0, username: 'measure', role: 'admin', scope: '44', supervisorId: null }
const jobs = new InProcessJobQueue(db.knex, planJobHandler(db.knex))
const cases: Array<[string, Record<string, unknown>]> = JSON.parse(
  process.env.CASES ??
    JSON.stringify([
      ['440282', {}],
      ['440203', {}],
      ['440222', {}],
      ['4402', {}],
      ['440222', { budget: 185 }],
      ['440222', { budget: 155 }],
      ['440282', { allowTransfers: true }],
    ]),
)
type Cov = { total: { coveredPct: number; specialGroupReachedPct: number; statusCounts: Record<string, number>; demandPerWorker: { maxOverMedian: number | null; gini: number | null }; servicePosts: number; servicePostsRequired: number }; violations: unknown[] }
const measure = (c: Cov) => ({
  coveredPct: c.total.coveredPct,
  reachedPct: c.total.specialGroupReachedPct,
  status: c.total.statusCounts,
  maxOverMedian: c.total.demandPerWorker.maxOverMedian,
  gini: c.total.demandPerWorker.gini,
  violations: c.violations.length,
})
for (const [within, params] of cases) {
  const t0 = Date.now()
  const { id } = await createPlan(db.knex, jobs, user, { kind: 'staff', within, params } as never)
  await jobs.idle()
  const ms = Date.now() - t0
  const plan = await getPlan(db.knex, user, id)
  if (plan.status !== 'draft') {
    console.log(JSON.stringify({ within, params, status: plan.status, error: plan.error }))
    continue
  }
  const diff = plan.diff as { summary: Record<string, number>; moves: Array<{ crossTown?: boolean; transfer?: boolean; distanceKm: number | null }> }
  const km = Math.max(0, ...diff.moves.map((m) => m.distanceKm ?? 0))
  const cov = plan.coverage as { before: Cov; after: Cov }
  console.log(JSON.stringify({ within, params, ms, summary: diff.summary, maxKm: km, before: measure(cov.before), after: measure(cov.after) }))
}
await jobs.idle()
await db.close()
