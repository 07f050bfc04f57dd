/** Seeding: generate the deterministic demo for a scope and write it to the database. */
import type { Knex } from 'knex'
import { generateDataset } from '../../geodata/generate.js'
import type { GenerateScope } from '../../geodata/types.js'
import { countDivisions, insertDataset } from '../repositories/dataset.repository.js'
import { findDivision } from '../repositories/divisions.repository.js'
import { findUserByName, insertUser } from '../repositories/users.repository.js'
import { hashPassword } from '../auth/password.js'
import { SUPERVISOR_STATIONS } from '../../solver/policy.js'
import { seedVisitHistory, type VisitHistoryReport } from './visit-history.seed.js'

export { seedVisitHistory }
import { shanghaiDate } from '../../solver/quarters.js'
import { generateComplianceHistory } from '../../geodata/compliance-history.js'
import { insertHistory } from '../repositories/compliance.repository.js'

export interface SeedReport {
  scope: GenerateScope
  counts: Record<string, number>
  generateMs: number
  insertMs: number
}

/**
 * Generates and inserts the demo data of a city or the province, with its synthetic
 * supervision history up to `now` (geodata/compliance-history.ts; the network tables do not
 * depend on `now`). Refuses (without writing) when any of its cities is already in the database.
 */
export async function seedDemo(knex: Knex, scope: GenerateScope, seed = 1, now = new Date()): Promise<SeedReport> {
  const t0 = performance.now()
  const data = generateDataset(scope, { seed })
  const t1 = performance.now()
  for (const d of data.divisions) {
    if (d.level !== 'city') continue
    if (await findDivision(knex, d.code)) {
      throw new Error(`city ${d.code} (${d.name}) is already in the database; reset it first (npm run seed -- --reset ...)`)
    }
  }
  await insertDataset(knex, data)
  const today = shanghaiDate(now)
  await insertHistory(knex, generateComplianceHistory(data, { seed, today }), 'demo', `${today}T00:00:00+08:00`)
  const t2 = performance.now()
  return { scope, counts: await countDivisions(knex), generateMs: Math.round(t1 - t0), insertMs: Math.round(t2 - t1) }
}

/** The demo's users, one per role; their passwords are in the README (demo only). */
export const DEMO_USERS = [
  { username: 'admin', role: 'admin', scope: '44', password: 'shuangbai-admin' },
  { username: 'bureau', role: 'bureau', scope: 'CITY', password: 'shuangbai-bureau' },
  { username: 'planner', role: 'planner', scope: 'COUNTY', password: 'shuangbai-planner' },
  { username: 'supervisor', role: 'supervisor', scope: 'COUNTY', password: 'shuangbai-supervisor' },
  { username: 'viewer', role: 'viewer', scope: 'CITY', password: 'shuangbai-viewer' },
] as const

/**
 * Adds the demo users for a seeded city (bureau and viewer: the city; planner and
 * supervisor: its first county; the supervisor user is linked to a supervisor of that
 * county with 5-8 stations, see `demoSupervisor`). Existing usernames are left alone.
 */
export async function seedDemoUsers(knex: Knex, city: string): Promise<string[]> {
  const county = (await knex('divisions').select('code').where({ parent_code: city }).orderBy('code').first())?.code as string | undefined
  if (!county) throw new Error(`city ${city} has no counties; seed it first`)
  const supervisor = await demoSupervisor(knex, city, county)
  const added: string[] = []
  for (const u of DEMO_USERS) {
    if (await findUserByName(knex, u.username)) continue
    const scope = u.scope === 'CITY' ? city : u.scope === 'COUNTY' ? county : u.scope
    await insertUser(knex, {
      username: u.username,
      passwordHash: await hashPassword(u.password),
      role: u.role,
      scope,
      supervisorId: u.role === 'supervisor' ? supervisor : null,
    })
    added.push(`${u.username} (${u.role}, ${scope})`)
  }
  return added
}

/**
 * The demo's supervision history (visit-history.seed.ts): the last three months of every
 * supervisor of the city, the demo supervisor's visits recorded by the demo `supervisor` user.
 */
export async function seedDemoVisitHistory(knex: Knex, city: string, opts: { seed?: number; today?: string } = {}): Promise<VisitHistoryReport> {
  const user = await findUserByName(knex, 'supervisor')
  const recordedBy = user?.supervisorId ? { [user.supervisorId]: user.username } : {}
  return seedVisitHistory(knex, city, { ...opts, recordedBy })
}

/**
 * The supervisor the demo's `supervisor` user stands for: one within the rule (5-8 stations,
 * SUPERVISOR_STATIONS) based in the given county, else in the city, else the county's first
 * (the generator plants a 4 and a 9 as faults, which the demo user should not be).
 */
async function demoSupervisor(knex: Knex, city: string, county: string): Promise<string | null> {
  const { min, max } = SUPERVISOR_STATIONS.value
  const rows = (await knex('supervisors as v')
    .leftJoin('supervisor_stations as ss', 'ss.supervisor_id', 'v.id')
    .select('v.id', 'v.county_code as countyCode')
    .count('ss.station_id as n')
    .whereLike('v.county_code', `${city}%`)
    .groupBy('v.id', 'v.county_code')
    .orderBy('v.id')) as unknown as Array<{ id: string; countyCode: string; n: number | string }>
  const fits = (r: { n: number | string }) => Number(r.n) >= min && Number(r.n) <= max
  const pick = rows.find((r) => r.countyCode === county && fits(r)) ?? rows.find(fits) ?? rows.find((r) => r.countyCode === county)
  return pick?.id ?? null
}
