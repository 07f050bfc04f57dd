/**
 * The province row: the seeder grows it with every city loaded, and the migration that
 * introduced the level gives existing cities their province.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { insertDataset } from '../../server/repositories/dataset.repository.js'
import * as provinceMigration from '../../migrations/20261124_0001_province.js'
import type { Dataset } from '../../geodata/types.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { loadDataset, testDb } from './harness.js'

let db: Database

/** The fixture moved to city 9902, 0.1° east: same shape, other codes. */
function secondCity(): Dataset {
  const json = JSON.stringify(compliantDataset()).replaceAll('"9901', '"9902').replaceAll('-9901', '-9902').replaceAll('样例', '另例')
  const data = JSON.parse(json) as Dataset
  for (const d of data.divisions) d.geometry.coordinates = d.geometry.coordinates.map((poly) => poly.map((ring) => ring.map(([x, y]) => [x + 0.1, y])))
  return data
}

const province = async () =>
  (await db.knex.raw(`select name, level, parent_code as "parentCode", population, ST_Area(geom::geography) as area from divisions where code = '99'`)).rows[0]
const cityArea = async (code: string) => Number((await db.knex.raw('select ST_Area(geom::geography) as a from divisions where code = ?', [code])).rows[0].a)

beforeAll(async () => {
  db = await testDb()
})

describe('the province row', () => {
  it('grows with each city loaded: population and outline of its cities', async () => {
    await loadDataset(db, compliantDataset())
    const one = await province()
    expect(one).toMatchObject({ name: '样例省', level: 'province', parentCode: null })
    expect(one.population).toBe(compliantDataset().divisions.find((d) => d.code === '9901')!.population)
    await insertDataset(db.knex, secondCity())
    const two = await province()
    expect(two.population).toBe(2 * one.population)
    expect(Number(two.area)).toBeCloseTo((await cityArea('9901')) + (await cityArea('9902')), -3)
    const { rows } = await db.knex.raw(`select code from divisions where parent_code = '99' order by code`)
    expect(rows.map((r: { code: string }) => r.code)).toEqual(['9901', '9902'])
  })

  it('is created by the migration for cities loaded before the level existed', async () => {
    await loadDataset(db, compliantDataset())
    const before = await province()
    await provinceMigration.down(db.knex)
    expect((await db.knex('divisions').where({ code: '9901' }).first()).parent_code).toBeNull()
    expect(await db.knex('divisions').where({ level: 'province' })).toEqual([])
    await provinceMigration.up(db.knex)
    const after = await province()
    // The migration knows Guangdong's name; another province is named by its code.
    expect(after).toMatchObject({ name: '99', level: 'province', parentCode: null, population: before.population })
    expect(Number(after.area)).toBeCloseTo(Number(before.area), -3)
    expect((await db.knex('divisions').where({ code: '9901' }).first()).parent_code).toBe('99')
  })
})
