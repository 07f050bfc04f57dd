/**
 * GET /api/calendar/:year and an admin loading a newly published year (PUT): official years
 * from the migration, 2027 unpublished until loaded, validation naming the field with the
 * data unchanged, admin only, audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { monthWorkingDays } from '../../server/services/calendar.service.js'
import { call, get, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let admin: string

beforeAll(async () => {
  db = await testDb()
  app = await startApp(db)
  admin = await signIn(db, app.url, 'cal-admin', 'admin', '44')
})
afterAll(() => app?.stop())

/** A hypothetical 2027 arrangement (for the test; the real one is not published yet). */
const ARRANGEMENT_2027 = {
  source: '国务院办公厅关于2027年部分节假日安排的通知 (test)',
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03'].map((date) => ({ date, name: '元旦' })).concat(['2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-13'].map((date) => ({ date, name: '春节' }))),
  workdays: [{ date: '2027-02-20', name: '春节调休上班' }],
}

describe('calendar', () => {
  it('answers every day of an official year (2026 from the migration) to any reader', async () => {
    const viewer = await signIn(db, app.url, 'cal-viewer', 'viewer', '990101')
    const res = await get(app.url, '/api/calendar/2026', viewer)
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('official')
    expect(res.body.source).toContain('国务院办公厅关于2026年部分节假日安排的通知')
    expect(res.body.days).toHaveLength(365)
    expect(res.body.days.find((d: { date: string }) => d.date === '2026-02-14')).toEqual({ date: '2026-02-14', workday: true, name: '春节调休上班' })
    expect(res.body.days.find((d: { date: string }) => d.date === '2026-10-08')).toEqual({ date: '2026-10-08', workday: true })
    const feb = await monthWorkingDays(db.knex, '2026-02')
    expect(feb.workingDays).toHaveLength(16)
    expect(feb.status).toBe('official')
    for (const y of [2024, 2025]) expect((await get(app.url, `/api/calendar/${y}`, viewer)).body.status).toBe('official')
    expect((await get(app.url, '/api/calendar/2024', viewer)).body.days).toHaveLength(366)
  })

  it('answers a year without a notice as unpublished, Monday-Friday, and refuses a malformed year', async () => {
    const res = await get(app.url, '/api/calendar/2027', admin)
    expect(res.body).toMatchObject({ year: 2027, status: 'unpublished' })
    expect(res.body.source).toContain('2027')
    expect(res.body.days.filter((d: { workday: boolean }) => d.workday)).toHaveLength(261)
    for (const bad of ['27', '1999', 'abcd', '20277']) {
      const r = await get(app.url, `/api/calendar/${bad}`, admin)
      expect(r.status, bad).toBe(400)
      expect(r.body.field).toBe('year')
    }
    expect((await get(app.url, '/api/calendar/2026')).status).toBe(401)
  })

  it('lets only an admin load a year; a bad arrangement is refused naming the field, nothing changed', async () => {
    const bureau = await signIn(db, app.url, 'cal-bureau', 'bureau', '9901')
    expect((await call(app.url, 'PUT', '/api/calendar/2027', { cookie: bureau, body: ARRANGEMENT_2027 })).status).toBe(403)
    const refused = async (body: unknown) => {
      const r = await call(app.url, 'PUT', '/api/calendar/2027', { cookie: admin, body })
      expect(r.status).toBe(400)
      return r.body.field as string
    }
    expect(await refused({ ...ARRANGEMENT_2027, workdays: [{ date: '2027-02-22' }] })).toBe('workdays.0.date') // a Monday
    expect(await refused({ ...ARRANGEMENT_2027, holidays: [{ date: '2026-12-31', name: '元旦' }] })).toBe('holidays.0.date')
    expect(await refused({ ...ARRANGEMENT_2027, holidays: [{ date: '2027-02-30', name: '春节' }] })).toBe('holidays.0.date')
    expect(await refused({ ...ARRANGEMENT_2027, holidays: [...ARRANGEMENT_2027.holidays, { date: '2027-01-01', name: '元旦' }] })).toBe('holidays.11.date')
    expect(await refused({ ...ARRANGEMENT_2027, extra: 1 })).toBe('extra')
    expect(await refused({ ...ARRANGEMENT_2027, holidays: [] })).toBe('holidays')
    expect((await get(app.url, '/api/calendar/2027', admin)).body.status).toBe('unpublished')
    expect(await db.knex('calendar_years').where({ year: 2027 })).toEqual([])
  })

  it('loads a newly published year: official from then on, and audited', async () => {
    const res = await call(app.url, 'PUT', '/api/calendar/2027', { cookie: admin, body: ARRANGEMENT_2027 })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ year: 2027, status: 'official', source: ARRANGEMENT_2027.source })
    const again = (await get(app.url, '/api/calendar/2027', admin)).body
    expect(again).toEqual(res.body)
    expect(again.days.find((d: { date: string }) => d.date === '2027-02-08')).toEqual({ date: '2027-02-08', workday: false, name: '春节' })
    expect(again.days.find((d: { date: string }) => d.date === '2027-02-20')).toEqual({ date: '2027-02-20', workday: true, name: '春节调休上班' })
    const feb = await monthWorkingDays(db.knex, '2027-02')
    expect(feb).toMatchObject({ status: 'official' })
    expect(feb.workingDays).toHaveLength(20 - 5 + 1) // 20 weekdays, 5 of them off, one Saturday worked
    const entries = await db.knex('audit_log').where({ entity: 'calendar', entity_id: '2027' })
    expect(entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([['calendar.load', 'cal-admin']])
    // Loading it again replaces it (a notice corrected mid-year), audited as a replacement.
    const fewer = { ...ARRANGEMENT_2027, workdays: [] }
    expect((await call(app.url, 'PUT', '/api/calendar/2027', { cookie: admin, body: fewer })).status).toBe(200)
    expect((await monthWorkingDays(db.knex, '2027-02')).workingDays).toHaveLength(15)
    expect((await db.knex('audit_log').where({ entity: 'calendar', entity_id: '2027' }).orderBy('id')).map((e: { action: string }) => e.action)).toEqual(['calendar.load', 'calendar.replace'])
  })
})
