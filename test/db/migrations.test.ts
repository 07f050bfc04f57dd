import { describe, expect, it } from 'vitest'
import { migrateDownAll, migrateLatest } from '../../server/db/migrate.js'
import { migrations } from '../../migrations/index.js'
import { testDb } from './harness.js'

const TABLES = [
  'divisions',
  'village_special_groups',
  'data_versions',
  'stations',
  'grid_units',
  'grid_unit_villages',
  'service_points',
  'workers',
  'supervisors',
  'supervisor_stations',
  'audit_log',
  'audit_log_divisions',
  'calendar_years',
  'calendar_days',
  'visit_plans',
  'visits',
  'calendar_tokens',
]

async function tables(): Promise<string[]> {
  const db = await testDb()
  const { rows } = await db.knex.raw(
    `select table_name as t from information_schema.tables where table_schema = current_schema() and table_name = any(?)`,
    [TABLES],
  )
  return rows.map((r: { t: string }) => r.t).sort()
}

describe('migrations', () => {
  it('run on a database of this file alone (see harness.ts)', async () => {
    const db = await testDb()
    const { rows } = await db.knex.raw('select current_database() as d, current_schema() as s')
    expect(db.kind === 'postgres' ? rows[0].d : rows[0].s).toMatch(/(__|^file_)migrations$/)
    // Other files sign users in; none of them is here.
    expect(await db.knex('users').count({ n: '*' })).toEqual([{ n: 0 }])
  })

  it('go up, down and up again', async () => {
    const db = await testDb()
    expect(await tables()).toEqual([...TABLES].sort())
    await migrateDownAll(db.knex)
    expect(await tables()).toEqual([])
    const applied = await migrateLatest(db.knex)
    expect(applied).toEqual(migrations.map((m) => m.name))
    expect(await tables()).toEqual([...TABLES].sort())
  })

  it('give every geometry column a GiST index', async () => {
    const db = await testDb()
    const { rows: columns } = await db.knex.raw(
      `select f_table_name as t, f_geometry_column as c from geometry_columns where f_table_schema = current_schema()`,
    )
    expect(columns.length).toBeGreaterThanOrEqual(5)
    const { rows: indexes } = await db.knex.raw(
      `select tablename as t, indexdef as d from pg_indexes where schemaname = current_schema() and indexdef ilike '%using gist%'`,
    )
    for (const { t, c } of columns) {
      expect(indexes.some((i: { t: string; d: string }) => i.t === t && i.d.includes(`(${c})`)), `${t}.${c}`).toBe(true)
    }
  })
})
