/**
 * The world the fuzz requests run in: the running test file's database with the Shaoguan
 * demo and its users (one per role), the real app on a loopback port, a signed-in session
 * per role, one draft plan, and pools of real codes and ids for the generator.
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createApp } from '../../server/app.js'
import { problemOnClientError } from '../../server/http/client-errors.js'
import type { Role } from '../../server/auth/roles.js'
import type { Database } from '../../server/db/connection.js'
import { DEMO_USERS, seedDemo, seedDemoUsers } from '../../server/services/seed.service.js'
import { testDb } from '../db/harness.js'
import type { Session } from './cases.js'
import { send } from './http.js'

export interface Pools {
  divisions: { province: string[]; city: string[]; county: string[]; town: string[]; village: string[] }
  stations: string[]
  gridUnits: string[]
  servicePoints: string[]
  workers: string[]
  supervisors: string[]
  plans: string[]
  jobs: string[]
  /** A published visit plan of the demo supervisor, and its visits. */
  visitPlans: string[]
  visits: string[]
}

export interface World {
  db: Database
  url: string
  sessions: Record<Role, Session>
  pools: Pools
  /** Signs the role in again (after a fuzz request ended its session). */
  renew: (role: Role) => Promise<void>
  stop: () => Promise<void>
}

const DEMO_CITY = '4402'

/** Signs a demo user in over HTTP; answers the session cookie and CSRF token. */
export async function signInDemo(url: string, role: Role): Promise<Session> {
  const user = DEMO_USERS.find((u) => u.role === role)!
  const reply = await send(url, {
    method: 'POST',
    path: '/api/login',
    headers: [['Content-Type', 'application/json']],
    body: Buffer.from(JSON.stringify({ username: user.username, password: user.password })),
  })
  if (reply.status !== 200) throw new Error(`sign-in of ${user.username}: ${reply.status} ${reply.body.toString()}`)
  const setCookie = reply.headers['set-cookie']?.[0] ?? ''
  return { cookie: setCookie.split(';')[0], csrfToken: JSON.parse(reply.body.toString()).csrfToken as string }
}

/** Opens the world; `plan: false` skips the draft plan (plan and job pools stay empty). */
export async function openWorld(opts: { plan?: boolean } = {}): Promise<World> {
  const db = await testDb()
  await seedDemo(db.knex, { city: DEMO_CITY })
  await seedDemoUsers(db.knex, DEMO_CITY)
  // The fuzz signs in with wrong passwords from one address thousands of times: the
  // per-client lock would soon refuse the demo users' own sign-ins, so it is lifted here
  // (the per-name lock still applies; test/db/security.test.ts covers both).
  const app = createApp(db, { serveWeb: false, clientThrottle: { freeFailures: 1e9, firstLockSec: 1, maxLockSec: 1, windowSec: 1 } })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  problemOnClientError(server)
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const roles = DEMO_USERS.map((u) => u.role as Role)
  const sessions = {} as Record<Role, Session>
  for (const role of roles) sessions[role] = await signInDemo(url, role)

  const k = db.knex
  const codes = async (level: string) => (await k('divisions').where({ level }).orderBy('code').pluck('code')) as string[]
  const ids = async (table: string) => (await k(table).orderBy('id').pluck('id')) as string[]
  const plan = opts.plan === false ? null : await draftPlan(url, sessions.planner, (await codes('town'))[0])
  const visitPlan = opts.plan === false ? null : await publishedVisitPlan(url, sessions.supervisor, (await k('users').where({ username: 'supervisor' }).first()).supervisor_id)
  const pools: Pools = {
    divisions: { province: await codes('province'), city: await codes('city'), county: await codes('county'), town: await codes('town'), village: await codes('village') },
    stations: await ids('stations'),
    gridUnits: await ids('grid_units'),
    servicePoints: await ids('service_points'),
    workers: await ids('workers'),
    supervisors: await ids('supervisors'),
    plans: plan ? [plan.id] : [],
    jobs: plan ? [plan.jobId, visitPlan!.jobId] : [],
    visitPlans: visitPlan ? [visitPlan.id] : [],
    visits: await ids('visits'),
  }
  return {
    db,
    url,
    sessions,
    pools,
    renew: async (role) => {
      sessions[role] = await signInDemo(url, role)
    },
    stop: () => new Promise((r) => server.close(() => r())),
  }
}

/** The demo supervisor plans and publishes March 2026 (ended: planned whole); answers the plan and job ids. */
async function publishedVisitPlan(url: string, supervisor: Session, supervisorId: string): Promise<{ id: string; jobId: string }> {
  const headers: [string, string][] = [['Cookie', supervisor.cookie], ['X-CSRF-Token', supervisor.csrfToken], ['Content-Type', 'application/json']]
  const created = await send(url, { method: 'POST', path: '/api/visit-plans', headers, body: Buffer.from(JSON.stringify({ supervisorId, month: '2026-03' })) })
  if (created.status !== 202) throw new Error(`visit plan: ${created.status} ${created.body.toString()}`)
  const plan = JSON.parse(created.body.toString()) as { id: string; jobId: string }
  for (let i = 0; i < 600; i++) {
    const job = await send(url, { method: 'GET', path: `/api/jobs/${plan.jobId}`, headers: [['Cookie', supervisor.cookie]] })
    if (['done', 'failed'].includes(JSON.parse(job.body.toString()).state)) break
    await new Promise((r) => setTimeout(r, 50))
  }
  const published = await send(url, { method: 'POST', path: `/api/visit-plans/${plan.id}/publish`, headers: headers.slice(0, 2) })
  if (published.status !== 200) throw new Error(`publish: ${published.status} ${published.body.toString()}`)
  return plan
}

/** Creates a draft grids plan of a town and waits for its job; answers the plan and job ids. */
async function draftPlan(url: string, planner: Session, town: string): Promise<{ id: string; jobId: string }> {
  const created = await send(url, {
    method: 'POST',
    path: '/api/plans',
    headers: [['Cookie', planner.cookie], ['X-CSRF-Token', planner.csrfToken], ['Content-Type', 'application/json']],
    body: Buffer.from(JSON.stringify({ kind: 'grids', within: town })),
  })
  if (created.status !== 202) throw new Error(`plan: ${created.status} ${created.body.toString()}`)
  const plan = JSON.parse(created.body.toString()) as { id: string; jobId: string }
  for (let i = 0; i < 600; i++) {
    const job = await send(url, { method: 'GET', path: `/api/jobs/${plan.jobId}`, headers: [['Cookie', planner.cookie]] })
    const state = JSON.parse(job.body.toString()).state
    if (state === 'done' || state === 'failed') break
    await new Promise((r) => setTimeout(r, 100))
  }
  return plan
}
