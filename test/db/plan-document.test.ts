/**
 * A plan's document (GET /api/plans/:id/export.xlsx), read back by an independent reader
 * (read-excel-file): one row per move, transfer and released worker with name, from, to,
 * km and kind; the posts per town and per station/point before and after with recruits;
 * the coverage before and after; the parameters and the solver's verification. Scoped like
 * the plan (404 outside the scope), 400 on a malformed id or language.
 */
import readXlsxFile from 'read-excel-file/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as S from '../../server/contract/responses.js'
import type { Database } from '../../server/db/connection.js'
import { faultyDataset } from '../fixtures/faulty-dataset.js'
import { call, get, loadDataset, signIn, startApp, testDb } from './harness.js'

let db: Database
let url: string
let stop: () => Promise<void>
let planner: string

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, faultyDataset())
  ;({ url, stop } = await startApp(db))
  planner = await signIn(db, url, 'doc-planner', 'planner', '990101')
})
afterAll(() => stop?.())

async function computed(params: Record<string, unknown>) {
  const created = await call(url, 'POST', '/api/plans', { cookie: planner, body: { kind: 'staff', within: '990101', params } })
  expect(created.status, JSON.stringify(created.body)).toBe(202)
  const { id, jobId } = S.PlanCreated.parse(created.body)
  for (;;) {
    const job = await get(url, `/api/jobs/${jobId}`, planner)
    if (job.body.state !== 'queued' && job.body.state !== 'running') break
    await new Promise((r) => setTimeout(r, 100))
  }
  const plan = (await get(url, `/api/plans/${id}`, planner)).body
  expect(plan.status).toBe('draft')
  return plan
}

async function workbook(id: string, query = '', cookie = planner) {
  const res = await fetch(`${url}/api/plans/${id}/export.xlsx${query}`, { headers: { cookie } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?plan-staff-990101-[0-9a-f]{8}\.xlsx"?$/)
  const sheets = await readXlsxFile(Buffer.from(await res.arrayBuffer()))
  return Object.fromEntries(sheets.map((s) => [s.sheet, s.data]))
}

describe('plan document (XLSX)', () => {
  it('a staff plan with recruits: moves, posts per town and point, coverage, parameters and verification', async () => {
    const bounds = (await get(url, '/api/plans/staff/bounds?within=990101', planner)).body
    const plan = await computed({ budget: bounds.keep + 2 })
    const diff = plan.diff
    expect(diff.summary.recruits).toBeGreaterThan(0)
    const book = await workbook(plan.id)
    expect(Object.keys(book)).toEqual(['人员调动', '各乡镇岗位', '各站点岗位', '覆盖前后对比', '参数与验证'])

    const [head, ...moves] = book['人员调动']
    expect(head).toEqual(['姓名', '原岗位', '原乡镇', '新岗位', '新乡镇', '距离（公里）', '类型'])
    expect(moves).toHaveLength(diff.moves.length + diff.released.length)
    for (const [i, m] of diff.moves.entries()) {
      expect(moves[i][0]).toBe(m.name)
      expect(moves[i][1]).toBe(`${m.from.name}（${m.from.post === 'station' ? '社工站' : '社工点'}）`)
      expect(moves[i][3]).toBe(`${m.to.name}（${m.to.post === 'station' ? '社工站' : '社工点'}）`)
      expect(moves[i][6]).toBe(m.crossTown ? '跨镇调动' : '镇内调配')
      if (m.distanceKm !== null) expect(moves[i][5]).toBeCloseTo(m.distanceKm, 2)
    }

    const [townHead, ...towns] = book['各乡镇岗位']
    expect(townHead.slice(0, 8)).toEqual(['乡镇', '代码', '村(居)数', '事务岗（现状）', '事务岗（方案后）', '服务岗（现状）', '服务岗（方案后）', '拟招聘'])
    expect(towns.map((r) => r[1])).toEqual(diff.towns.map((t: { code: string }) => t.code))
    const recruitsInSheet = towns.reduce((a, r) => a + (r[7] as number), 0)
    expect(recruitsInSheet).toBe(diff.summary.recruits)
    for (const [i, t] of diff.towns.entries()) expect(towns[i].slice(3, 7)).toEqual([t.before.adminPosts, t.after.adminPosts, t.before.servicePosts, t.after.servicePosts])

    const [, ...posts] = book['各站点岗位']
    expect(posts).toHaveLength(diff.stations.length + diff.points.length)
    expect(posts.reduce((a, r) => a + (r[6] as number), 0)).toBe(diff.summary.recruits)

    const coverage = Object.fromEntries(book['覆盖前后对比'].slice(1).map((r) => [r[0], r.slice(1)]))
    expect(coverage['服务岗']).toEqual([plan.coverage.before.total.servicePosts, plan.coverage.after.total.servicePosts])
    expect(coverage['未覆盖村(居)']).toEqual([plan.coverage.before.total.statusCounts.uncovered, plan.coverage.after.total.statusCounts.uncovered])

    const params = Object.fromEntries(book['参数与验证'].slice(1).map((r) => [r[0], r[1]]))
    expect(params['方案编号']).toBe(plan.id)
    expect(params['社工总数（预算）']).toBe(bounds.keep + 2)
    expect(params['允许跨镇调动']).toBe('否')
    expect(params['已独立验证']).toBe('是')
    expect(params['求解状态']).toBe(plan.result.status)
    expect(params['权重 population']).toBe(1)
  })

  it('in English on ?lang=en; 404 outside the scope; 400 on a bad id or language', async () => {
    const plan = await computed({})
    const book = await workbook(plan.id, '?lang=en')
    expect(Object.keys(book)).toEqual(['Moves', 'Posts per town', 'Posts per station and point', 'Coverage', 'Parameters'])
    expect(book.Moves[0]).toEqual(['Name', 'From', 'From town', 'To', 'To town', 'Distance (km)', 'Kind'])
    const other = await signIn(db, url, 'doc-other', 'planner', '990102')
    const outside = await call(url, 'GET', `/api/plans/${plan.id}/export.xlsx`, { cookie: other })
    expect(outside.status).toBe(404)
    expect(outside.body.text.zh).toMatch(/不存在/)
    const badLang = await call(url, 'GET', `/api/plans/${plan.id}/export.xlsx?lang=fr`, { cookie: planner })
    expect(badLang.status).toBe(400)
    expect(badLang.body.field).toBe('lang')
    expect((await call(url, 'GET', '/api/plans/nope/export.xlsx', { cookie: planner })).status).toBe(400)
  })
})
