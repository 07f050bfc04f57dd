/**
 * The Shaoguan demo as seeded into the database: counts, geometry (valid, villages
 * partition their town, towns their county), determinism, and the planted faults.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { clearDataset, countDivisions, tableHashes } from '../../server/repositories/dataset.repository.js'
import { seedDemo } from '../../server/services/seed.service.js'
import { checkRules } from '../../server/services/rules.service.js'
import { generateDataset } from '../../geodata/generate.js'
import { testDb } from './harness.js'
import { InProcessJobQueue } from '../../server/services/jobs.js'
import { applyPlan, createPlan, getPlan, planJobHandler } from '../../server/services/plans.service.js'
import type { SessionUser } from '../../server/auth/roles.js'

let db: Database
let firstHashes: Record<string, string>

beforeAll(async () => {
  db = await testDb()
  await clearDataset(db.knex)
  await seedDemo(db.knex, { city: '4402' })
  firstHashes = await tableHashes(db.knex)
})

describe('Shaoguan demo in the database', () => {
  it('has 1 province, 1 city, 10 counties, 112 towns, 1,468 villages', async () => {
    expect(await countDivisions(db.knex)).toEqual({ province: 1, city: 1, county: 10, town: 112, village: 1468 })
  })

  it('has only valid geometry', async () => {
    const { rows } = await db.knex.raw(`select code, ST_IsValidReason(geom) as why from divisions where not ST_IsValid(geom)`)
    expect(rows).toEqual([])
  })

  for (const [child, parent] of [
    ['village', 'town'],
    ['town', 'county'],
  ] as const) {
    it(`${child} polygons cover each ${parent} (area within 0.1 %)`, async () => {
      const { rows } = await db.knex.raw(
        `select p.code,
                ST_Area(p.geom::geography) as parent_area,
                sum(ST_Area(c.geom::geography)) as child_area,
                ST_Area(ST_SymDifference(p.geom, ST_Union(c.geom))) / ST_Area(p.geom) as sym_diff
           from divisions p join divisions c on c.parent_code = p.code
          where p.level = ? and c.level = ?
          group by p.code, p.geom`,
        [parent, child],
      )
      expect(rows.length).toBe(parent === 'town' ? 112 : 10)
      const bad = rows.filter(
        (r: { parent_area: number; child_area: number; sym_diff: number }) =>
          Math.abs(r.child_area - r.parent_area) / r.parent_area > 0.001 || r.sym_diff > 0.001,
      )
      expect(bad).toEqual([])
    })

    it(`${child} polygons do not overlap (intersection < 0.01 % of the smaller)`, async () => {
      const { rows } = await db.knex.raw(
        `select a.code as a, b.code as b,
                ST_Area(ST_Intersection(a.geom, b.geom)) / least(ST_Area(a.geom), ST_Area(b.geom)) as share
           from divisions a join divisions b on a.code < b.code and a.geom && b.geom
          where a.level = ? and b.level = ? and ST_Intersects(a.geom, b.geom)`,
        [child, child],
      )
      expect(rows.length).toBeGreaterThan(0) // neighbours touch
      expect(rows.filter((r: { share: number }) => r.share >= 1e-4)).toEqual([])
    })
  }

  it('seeding again gives identical data (table hashes)', async () => {
    await clearDataset(db.knex)
    expect((await tableHashes(db.knex)).divisions).toBe('empty')
    await seedDemo(db.knex, { city: '4402' })
    expect(await tableHashes(db.knex)).toEqual(firstHashes)
  })

  it('refuses to seed a city that is already there, leaving the data as it was', async () => {
    await expect(seedDemo(db.knex, { city: '4402' })).rejects.toThrow(/already in the database/)
    expect(await tableHashes(db.knex)).toEqual(firstHashes)
  })

  it('the rule check finds exactly the faults the generator planted', async () => {
    const { violations } = await checkRules(db.knex, '4402')
    const found = (rule: string) => violations.filter((v) => v.rule === rule).map((v) => v.code).sort()

    // Recompute each rule independently from the generated objects.
    const data = generateDataset({ city: '4402' }, { seed: 1 })
    const workersAt = (pred: (w: (typeof data.workers)[number]) => boolean) => data.workers.filter(pred).length
    const villagesOf = (town: string) => data.divisions.filter((d) => d.parentCode === town).length
    const unitsOf = (station: string) => data.gridUnits.filter((u) => u.stationId === station).length
    const inUnit = new Set(data.gridUnits.flatMap((u) => u.villageCodes))
    const supervised = new Set(data.supervisors.flatMap((s) => s.stationIds))

    const expected = {
      station_admin_min: data.stations.filter((s) => workersAt((w) => w.stationId === s.id && w.post === 'station') < 2).map((s) => s.id),
      town_service_posts_min: data.stations
        .filter((s) => workersAt((w) => w.stationId === s.id && w.post === 'point') < villagesOf(s.townCode))
        .map((s) => s.townCode),
      village_uncovered: data.divisions.filter((d) => d.level === 'village' && !inUnit.has(d.code)).map((d) => d.code),
      point_unstaffed: data.servicePoints.filter((p) => workersAt((w) => w.servicePointId === p.id) === 0).map((p) => p.id),
      station_grid_units_range: data.stations.filter((s) => unitsOf(s.id) < 2 || unitsOf(s.id) > 3).map((s) => s.id),
      supervisor_stations_range: data.supervisors.filter((s) => s.stationIds.length < 5 || s.stationIds.length > 8).map((s) => s.id),
      station_unsupervised: data.stations.filter((s) => !supervised.has(s.id)).map((s) => s.id),
    }
    for (const [rule, codes] of Object.entries(expected)) {
      expect(found(rule), rule).toEqual([...codes].sort())
    }
    // The demo is meant to need a planner: every kind of staffing fault is planted.
    for (const rule of ['station_admin_min', 'town_service_posts_min', 'village_uncovered', 'point_unstaffed', 'station_grid_units_range', 'supervisor_stations_range']) {
      expect(found(rule).length, rule).toBeGreaterThan(0)
    }
  })

  it('a staff plan for a county removes every service-post and admin-post violation; its diff adds up', async () => {
    const user: SessionUser = { id: 0, username: 'demo-planner', role: 'planner', scope: '4402', supervisorId: null }
    const jobs = new InProcessJobQueue(db.knex, planJobHandler(db.knex))
    const county = '440282' // 南雄市
    const before = (await checkRules(db.knex, county)).violations.map((v) => v.rule)
    expect(before).toContain('town_service_posts_min')
    const { id } = await createPlan(db.knex, jobs, user, { kind: 'staff', within: county, params: {} })
    await jobs.idle()
    const plan = await getPlan(db.knex, user, id)
    expect(plan.status, plan.error ?? '').toBe('draft')
    expect(plan.result).toMatchObject({ verified: true, status: 'optimal' })
    const after = (plan.coverage!.after as { violations: { rule: string; code: string }[] }).violations
    // A town still short of service posts after the plan is one whose shortfall is recruited.
    const recruiting = new Set((plan.diff as { towns: { code: string; recruits: number }[] }).towns.filter((t) => t.recruits > 0).map((t) => t.code))
    for (const v of after.filter((x) => x.rule === 'town_service_posts_min')) expect(recruiting.has(v.code), v.code).toBe(true)
    // So is a station short of administrative posts (st-<town code>).
    for (const v of after.filter((x) => x.rule === 'station_admin_min')) expect(recruiting.has(v.code.replace(/^st-/, '')), v.code).toBe(true)
    expect(after.map((v) => v.rule)).not.toContain('point_unstaffed')
    const diff = plan.diff as { moves: { from: { id: string }; to: { id: string } }[]; points: { id: string; before: number; after: number }[]; stations: { id: string; before: number; after: number }[] }
    const net = new Map<string, number>()
    for (const m of diff.moves) {
      net.set(m.from.id, (net.get(m.from.id) ?? 0) - 1)
      net.set(m.to.id, (net.get(m.to.id) ?? 0) + 1)
    }
    for (const loc of [...diff.points, ...diff.stations]) expect(loc.before + (net.get(loc.id) ?? 0), loc.id).toBe(loc.after) // nobody released by default
  })

  it('a supervisor plan solves in every one of the ten counties; applied, its supervisors keep 5-8 stations in all', async () => {
    const user: SessionUser = { id: 0, username: 'demo-bureau', role: 'bureau', scope: '4402', supervisorId: null }
    const jobs = new InProcessJobQueue(db.knex, planJobHandler(db.knex))
    const counties: string[] = await db.knex('divisions').where({ level: 'county' }).whereLike('code', '4402%').orderBy('code').pluck('code')
    expect(counties).toHaveLength(10)
    const ids: Record<string, string> = {}
    for (const county of counties) ids[county] = (await createPlan(db.knex, jobs, user, { kind: 'supervisors', within: county, params: {} })).id
    await jobs.idle()
    // Total stations (in every county) of the supervisors serving a station of `county`.
    const loads = async (county: string) =>
      (
        await db.knex('supervisor_stations as ss')
          .select('ss.supervisor_id')
          .count({ n: '*' })
          .whereIn('ss.supervisor_id', db.knex('supervisor_stations as x').join('stations as s', 's.id', 'x.station_id').whereLike('s.town_code', `${county}%`).select('x.supervisor_id'))
          .groupBy('ss.supervisor_id')
      ).map((r) => Number(r.n))
    for (const county of counties) {
      const plan = await getPlan(db.knex, user, ids[county])
      expect(plan.status, `${county}: ${plan.error}`).toBe('draft')
      expect(plan.result, county).toMatchObject({ verified: true })
    }
    // 乳源 (440232): its supervisor also serves stations of 武江区; applying keeps them, and the rule holds for their totals.
    await applyPlan(db.knex, user, ids['440232'])
    const after = await loads('440232')
    expect(after.length).toBeGreaterThan(0)
    for (const n of after) {
      expect(n).toBeGreaterThanOrEqual(5)
      expect(n).toBeLessThanOrEqual(8)
    }
  })
})
