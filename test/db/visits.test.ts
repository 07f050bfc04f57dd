/**
 * Supervisors as users and the service-level visit planner on the Shaoguan demo: the demo
 * `supervisor` user stands for a supervisor with 5-8 stations, GET /api/me names it, and
 * `planVisitsFor` plans its months from the calendar in the database (official 2026,
 * tentative 2027), only for supervisors the user may see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionUser } from '../../server/auth/roles.js'
import type { Database } from '../../server/db/connection.js'
import { clearDataset } from '../../server/repositories/dataset.repository.js'
import { findUserByName } from '../../server/repositories/users.repository.js'
import { seedDemo, seedDemoUsers } from '../../server/services/seed.service.js'
import { planVisitsFor } from '../../server/services/visits.service.js'
import { SUPERVISOR_STATIONS } from '../../solver/policy.js'
import { verifyVisitPlan } from '../../solver/index.js'
import { call, get, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let demo: SessionUser

beforeAll(async () => {
  db = await testDb()
  await clearDataset(db.knex)
  await seedDemo(db.knex, { city: '4402' })
  await seedDemoUsers(db.knex, '4402')
  app = await startApp(db)
  const u = await findUserByName(db.knex, 'supervisor')
  demo = { id: u!.id, username: u!.username, role: u!.role, scope: u!.scope, supervisorId: u!.supervisorId }
})
afterAll(() => app?.stop())

const stationsOf = async (supervisorId: string) => (await db.knex('supervisor_stations').where({ supervisor_id: supervisorId })).length

describe('supervisors as users', () => {
  it('links the demo supervisor user to a supervisor of its county with 5-8 stations, and /api/me says which', async () => {
    expect(demo.supervisorId).toMatch(/^sv-/)
    const n = await stationsOf(demo.supervisorId!)
    expect(n).toBeGreaterThanOrEqual(SUPERVISOR_STATIONS.value.min)
    expect(n).toBeLessThanOrEqual(SUPERVISOR_STATIONS.value.max)
    const sup = await db.knex('supervisors').where({ id: demo.supervisorId }).first()
    expect(sup.county_code).toBe(demo.scope)
    const login = await call(app.url, 'POST', '/api/login', { body: { username: 'supervisor', password: 'shuangbai-supervisor' } })
    expect(login.status).toBe(200)
    const me = await get(app.url, '/api/me', (login.headers.get('set-cookie') ?? '').split(';')[0])
    expect(me.body.user).toMatchObject({ username: 'supervisor', role: 'supervisor', supervisorId: demo.supervisorId })
  })
})

describe('planVisitsFor', () => {
  it('plans February 2026 for the demo supervisor on the official calendar: every station, working days only, verified', async () => {
    const plan = await planVisitsFor(db.knex, demo, { supervisorId: demo.supervisorId!, month: '2026-02' })
    expect(plan.calendar.status).toBe('official')
    expect(plan.calendar.workingDays).toHaveLength(16)
    expect(plan.result).toMatchObject({ status: 'optimal', verified: true, tentative: false })
    expect(plan.result.visits.map((v) => v.stationId).sort()).toEqual(plan.stations.map((s) => s.id))
    for (const v of plan.result.visits) for (const d of v.dates) expect(plan.calendar.workingDays).toContain(d)
    expect(verifyVisitPlan(plan.input, plan.result).ok).toBe(true)
    expect(plan.result.legs[0].from).toEqual(plan.supervisor.base)
  })

  it('marks a 2027 month tentative, naming the missing notice', async () => {
    const plan = await planVisitsFor(db.knex, demo, { supervisorId: demo.supervisorId!, month: '2027-03' })
    expect(plan.calendar.status).toBe('unpublished')
    expect(plan.result.tentative).toBe(true)
    expect(plan.result.warnings.map((w) => w.zh).join()).toContain('国务院办公厅关于2027年部分节假日安排的通知')
  })

  it('explains a month that cannot hold the visits, and refuses bad parameters naming the field', async () => {
    const unavailable = ['2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05', '2026-02-06', '2026-02-09', '2026-02-10', '2026-02-11', '2026-02-12']
    const plan = await planVisitsFor(db.knex, demo, { supervisorId: demo.supervisorId!, month: '2026-02', params: { unavailable } })
    expect(plan.result.status).toBe('infeasible')
    expect(plan.result.explanations![0].message.en).toMatch(/^February 2026 has 16 working days; \d stations need \d+; 9 are unavailable/)
    await expect(planVisitsFor(db.knex, demo, { supervisorId: demo.supervisorId!, month: '2026-02', params: { unavailable: ['2026-03-02'] } })).rejects.toMatchObject({ status: 400, extra: { field: 'params.unavailable[0]' } })
    await expect(planVisitsFor(db.knex, demo, { supervisorId: demo.supervisorId!, month: '2026-02', params: { blocked: { 'st-nowhere': [] } } })).rejects.toMatchObject({ status: 400 })
  })

  it("answers 404 for another supervisor to a supervisor user, and plans a supervisor of the city for the bureau", async () => {
    const other = (await db.knex('supervisors').select('id').whereNot({ id: demo.supervisorId }).orderBy('id').first()).id as string
    await expect(planVisitsFor(db.knex, demo, { supervisorId: other, month: '2026-03' })).rejects.toMatchObject({ status: 404 })
    const bureau: SessionUser = { id: 0, username: 'visits-bureau', role: 'bureau', scope: '4402', supervisorId: null }
    const plan = await planVisitsFor(db.knex, bureau, { supervisorId: other, month: '2026-03' })
    expect(['optimal', 'infeasible']).toContain(plan.result.status)
    const outside: SessionUser = { ...bureau, scope: '4401' }
    await expect(planVisitsFor(db.knex, outside, { supervisorId: other, month: '2026-03' })).rejects.toMatchObject({ status: 404 })
  })
})
