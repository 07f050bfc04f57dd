import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { checkRules } from '../../server/services/rules.service.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { loadDataset, testDb } from './harness.js'
import type { Dataset } from '../../geodata/types.js'

let db: Database
beforeAll(async () => {
  db = await testDb()
})

async function violationsOf(data: Dataset, within = '9901') {
  await loadDataset(db, data)
  return (await checkRules(db.knex, within)).violations
}

describe('rule checks', () => {
  it('find nothing on the compliant fixture', async () => {
    expect(await violationsOf(compliantDataset())).toEqual([])
  })

  // Each case plants exactly one kind of fault into the compliant fixture.
  // `all` lists every violation the fault causes (default: just `rule:code`), in report order.
  const cases: { rule: string; code: string; plant: (d: Dataset) => void; numbers?: Record<string, unknown>; all?: string[] }[] = [
    {
      rule: 'station_admin_min',
      code: 'st-990101002',
      plant: (d) => {
        d.workers = d.workers.filter((w) => w.id !== 'w-990101002-s2')
      },
      numbers: { adminPosts: 1, min: 2 },
    },
    {
      rule: 'town_service_posts_min',
      code: '990101003',
      // Move one point worker of town 3 to the station: 3 service posts for 4 villages.
      plant: (d) => {
        const w = d.workers.find((x) => x.id === 'w-990101003-p11')!
        w.post = 'station'
        w.servicePointId = null
      },
      numbers: { villages: 4, servicePosts: 3, min: 4 },
    },
    {
      rule: 'village_uncovered',
      code: '990101004004',
      plant: (d) => {
        d.gridUnits.find((u) => u.id === 'gu-990101004-2')!.villageCodes = ['990101004003']
      },
      numbers: { reason: 'no_grid_unit' },
    },
    {
      rule: 'point_unstaffed',
      code: 'sp-990101001-2',
      plant: (d) => {
        for (const w of d.workers.filter((x) => x.servicePointId === 'sp-990101001-2')) w.servicePointId = 'sp-990101001-1'
      },
      numbers: { workers: 0 },
    },
    {
      rule: 'station_grid_units_range',
      code: 'st-990101005',
      plant: (d) => {
        // Merge unit 2 into unit 1: one grid unit left.
        d.gridUnits.find((u) => u.id === 'gu-990101005-1')!.villageCodes.push('990101005003', '990101005004')
        d.gridUnits = d.gridUnits.filter((u) => u.id !== 'gu-990101005-2')
        d.servicePoints = d.servicePoints.filter((p) => p.id !== 'sp-990101005-2')
        for (const w of d.workers.filter((x) => x.servicePointId === 'sp-990101005-2')) w.servicePointId = 'sp-990101005-1'
      },
      numbers: { gridUnits: 1, min: 2, max: 3 },
    },
    {
      rule: 'supervisor_stations_range',
      code: 'sv-990101-1',
      plant: (d) => {
        d.supervisors[0].stationIds.pop()
        d.supervisors.push({ id: 'sv-990101-2', name: '督导乙', countyCode: '990101', base: [113, 24], stationIds: ['st-990101005'] })
      },
      numbers: { stations: 4, min: 5, max: 8 },
      // The second supervisor, with one station, is out of range too.
      all: ['supervisor_stations_range:sv-990101-1', 'supervisor_stations_range:sv-990101-2'],
    },
    {
      rule: 'station_unsupervised',
      code: 'st-990101005',
      plant: (d) => {
        d.supervisors[0].stationIds = d.supervisors[0].stationIds.filter((s) => s !== 'st-990101005')
      },
      // Its supervisor is left with 4 stations, below the 5-8 range.
      all: ['supervisor_stations_range:sv-990101-1', 'station_unsupervised:st-990101005'],
    },
  ]

  for (const c of cases) {
    it(`report ${c.rule} for ${c.code}`, async () => {
      const data = compliantDataset()
      c.plant(data)
      const violations = await violationsOf(data)
      // Exactly the planted fault: a rule that fires on more than its target fails here.
      expect(violations.map((v) => `${v.rule}:${v.code}`)).toEqual(c.all ?? [`${c.rule}:${c.code}`])
      const v = violations.find((x) => x.rule === c.rule && x.code === c.code)!
      expect(v).toMatchObject(c.numbers ?? {})
      expect(v.message.zh.length).toBeGreaterThan(0)
      expect(v.message.en.length).toBeGreaterThan(0)
    })
  }

  it('limit the check to the scope', async () => {
    const data = compliantDataset()
    cases[0].plant(data) // town 990101002
    expect(await violationsOf(data, '990101001')).toEqual([])
    expect((await violationsOf(data, '990101002')).map((v) => v.rule)).toEqual(['station_admin_min'])
  })
})
