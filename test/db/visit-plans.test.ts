/**
 * Supervisors' visit plans over HTTP on the Shaoguan demo (issue 11 §4, §5, §6): a job
 * computes the draft, the review shape of the contract, edits re-verified, publishing (the
 * announcement: who, when, late, audited for the towns concerned) writes the visits,
 * re-publishing keeps what was recorded; visit records; the ICS feed parsed back by an
 * independent parser (Debian's python3-icalendar) with stable UIDs and growing SEQUENCE; the
 * secret subscription URL and its revocation; 404 for another supervisor's plans and visits.
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { stationVisitHours } from '../../server/repositories/visits.repository.js'
import { seedDemo, seedDemoUsers, seedDemoVisitHistory } from '../../server/services/seed.service.js'
import { monthsBefore } from '../../server/services/ics.service.js'
import { shanghaiDate } from '../../server/services/calendar.js'
import { verifyVisitPlan } from '../../solver/index.js'
import { checkResponse } from '../contract.js'
import { call, get, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: Awaited<ReturnType<typeof startApp>>
let own: string // the demo supervisor's id
let other: string // another supervisor of the city
let supervisor: string // cookie of a supervisor user standing for `own`
let admin: string
let bureau: string

const MONTH = '2026-03' // ended: planned whole, published late
const NEXT = monthsBefore(shanghaiDate(), -1) // next month (Asia/Shanghai): published on time

beforeAll(async () => {
  db = await testDb()
  await seedDemo(db.knex, { city: '4402' })
  await seedDemoUsers(db.knex, '4402')
  app = await startApp(db)
  own = (await db.knex('users').where({ username: 'supervisor' }).first()).supervisor_id
  other = (await db.knex('supervisors as v').join('supervisor_stations as ss', 'ss.supervisor_id', 'v.id').whereNot('v.id', own).orderBy('v.id').first('v.id')).id
  supervisor = await signIn(db, app.url, 'vp-supervisor', 'supervisor', '440203', own)
  admin = await signIn(db, app.url, 'vp-admin', 'admin', '44')
  bureau = await signIn(db, app.url, 'vp-bureau', 'bureau', '4402')
})
afterAll(() => app?.stop())

/** Plans a month over HTTP and waits for its job; answers the plan as GET shows it. */
async function plan(cookie: string, supervisorId: string, month: string, params?: unknown) {
  const created = await call(app.url, 'POST', '/api/visit-plans', { cookie, body: { supervisorId, month, ...(params ? { params } : {}) } })
  expect(created.status, JSON.stringify(created.body)).toBe(202)
  await app.jobs.idle()
  const job = await get(app.url, `/api/jobs/${created.body.jobId}`, cookie)
  expect(job.body).toMatchObject({ state: 'done', planId: created.body.id })
  const read = await get(app.url, `/api/visit-plans/${created.body.id}`, cookie)
  expect(read.status).toBe(200)
  return read.body
}

const visitsOf = (supervisorId: string, month: string) => db.knex('visits').where({ supervisor_id: supervisorId, month }).orderBy('id')

/** Fetches an ICS answer as text (call() parses JSON), checked against the document. */
async function ics(path: string, cookie?: string) {
  const res = await fetch(app.url + path, { headers: cookie ? { cookie } : {} })
  const text = await res.text()
  const type = res.headers.get('content-type') ?? ''
  checkResponse('GET', path, res.status, type, type.startsWith('text/calendar') ? text : JSON.parse(text))
  return { status: res.status, type, text }
}

/** python3 with icalendar (Debian python3-icalendar), or null. */
function icalendarPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) if (spawnSync(py, ['-c', 'import icalendar'], { stdio: 'ignore' }).status === 0) return py
  return null
}
const PY = icalendarPython()
if (!PY && process.env.CI === 'true') throw new Error('python3-icalendar is missing (apt-get install -y python3-icalendar); CI needs it')

interface ParsedEvent {
  uid: string
  sequence: number
  start: string
  end: string
  summary: string
  location: string
  geo: [number, number] | null
  status: string
}
/** The events of an ICS document as Python's icalendar reads them. */
function parseIcs(text: string): ParsedEvent[] {
  const script = `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = []
for e in cal.walk('VEVENT'):
    geo = e.get('GEO')
    out.append({'uid': str(e.get('UID')), 'sequence': int(e.get('SEQUENCE', 0)), 'start': e.decoded('DTSTART').isoformat(),
                'end': e.decoded('DTEND').isoformat(), 'summary': str(e.get('SUMMARY')), 'location': str(e.get('LOCATION')),
                'geo': [geo.latitude, geo.longitude] if geo else None, 'status': str(e.get('STATUS'))})
print(json.dumps(out))`
  const r = spawnSync(PY!, ['-c', script], { input: text, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`icalendar refused the feed: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

describe('visit plans', () => {
  let draft: Awaited<ReturnType<typeof plan>>

  it('computes a draft by a job, in the shape of the contract, verified', async () => {
    draft = await plan(supervisor, own, MONTH)
    expect(draft).toMatchObject({ supervisorId: own, month: MONTH, status: 'draft', calendarStatus: 'official', warnings: [], result: { status: 'optimal', verified: true } })
    for (const key of ['id', 'supervisorId', 'month', 'status', 'calendarStatus', 'warnings', 'result', 'visits', 'legs', 'totalKm']) expect(draft).toHaveProperty(key)
    const stations = (await db.knex('supervisor_stations').where({ supervisor_id: own }).pluck('station_id')).sort()
    expect(draft.visits.map((v: { stationId: string }) => v.stationId).sort()).toEqual(stations)
    for (const v of draft.visits) {
      expect(v.hours).toBe(16)
      for (const d of v.dates) expect(draft.workingDays).toContain(d)
    }
    expect(draft.result.objective).toBeCloseTo(draft.totalKm, 9)
    const km = draft.legs.reduce((s: number, l: { km: number }) => s + l.km, 0)
    expect(km).toBeCloseTo(draft.totalKm, 6)
    expect(draft.legs[0].from).toEqual(draft.base)
    for (const l of draft.legs) expect(Object.keys(l).sort()).toEqual(['date', 'from', 'fromId', 'km', 'to', 'toId'])
  })

  it('marks a 2027 month unpublished, with the warning naming the missing notice', async () => {
    const p = await plan(supervisor, own, '2027-04')
    expect(p.calendarStatus).toBe('unpublished')
    expect(p.warnings.map((w: { zh: string }) => w.zh).join()).toContain('国务院办公厅关于2027年部分节假日安排的通知')
    expect(p.warnings[0].en).toMatch(/2027/)
  })

  it('refuses bad parameters naming the field, before any job', async () => {
    const jobs = Number((await db.knex('jobs').count({ n: '*' }))[0].n)
    const bad = await call(app.url, 'POST', '/api/visit-plans', { cookie: supervisor, body: { supervisorId: own, month: MONTH, params: { unavailable: ['2026-04-01'] } } })
    expect(bad).toMatchObject({ status: 400, body: { field: 'params.unavailable[0]' } })
    const unknown = await call(app.url, 'POST', '/api/visit-plans', { cookie: supervisor, body: { supervisorId: own, month: MONTH, params: { weekends: true } } })
    expect(unknown).toMatchObject({ status: 400, body: { field: 'params.weekends' } })
    expect(Number((await db.knex('jobs').count({ n: '*' }))[0].n)).toBe(jobs)
  })

  it('edits a theme, and re-verifies a changed date: a broken rule is a 400 naming dates, a good one moves the route', async () => {
    const station = draft.visits[0].stationId
    const themed = await call(app.url, 'PATCH', `/api/visit-plans/${draft.id}/visits/${station}`, { cookie: supervisor, body: { theme: '个案督导' } })
    expect(themed.status).toBe(200)
    expect(themed.body.visits[0].theme).toBe('个案督导')
    const weekend = await call(app.url, 'PATCH', `/api/visit-plans/${draft.id}/visits/${station}`, { cookie: supervisor, body: { dates: ['2026-03-07', '2026-03-08'] } })
    expect(weekend).toMatchObject({ status: 400, body: { field: 'dates' } })
    expect(weekend.body.violations.join()).toMatch(/not a working day/)
    const taken = draft.visits[1].dates
    const clash = await call(app.url, 'PATCH', `/api/visit-plans/${draft.id}/visits/${station}`, { cookie: supervisor, body: { dates: taken } })
    expect(clash).toMatchObject({ status: 400, body: { field: 'dates' } })
    expect((await get(app.url, `/api/visit-plans/${draft.id}`, supervisor)).body.visits[0].dates).toEqual(draft.visits[0].dates)
    // Two consecutive free working days: a valid move.
    const used = new Set(draft.visits.flatMap((v: { dates: string[] }) => v.dates))
    const days: string[] = draft.workingDays
    const at = days.findIndex((d, i) => i + 1 < days.length && !used.has(d) && !used.has(days[i + 1]))
    const moved = await call(app.url, 'PATCH', `/api/visit-plans/${draft.id}/visits/${station}`, { cookie: supervisor, body: { dates: [days[at], days[at + 1]] } })
    expect(moved.status, JSON.stringify(moved.body)).toBe(200)
    expect(moved.body.visits[0]).toMatchObject({ stationId: station, dates: [days[at], days[at + 1]], theme: '个案督导', hours: 16 })
    expect(moved.body.result).toMatchObject({ status: 'feasible', verified: true, edited: true })
    const input = (await db.knex('visit_plans').where({ id: draft.id }).first()).input
    const check = verifyVisitPlan(typeof input === 'string' ? JSON.parse(input) : input, moved.body)
    expect(check.ok).toBe(true)
    expect(moved.body.totalKm).toBeCloseTo(check.totalMetres / 1000, 9)
    expect(moved.body.totalKm).toBeGreaterThanOrEqual(draft.totalKm - 1e-9)
    draft = moved.body
  })

  it('publishes a draft: the announcement with who and when, late after the month began, audited for the towns concerned; the visits exist', async () => {
    const before = new Date().toISOString()
    const pub = await call(app.url, 'POST', `/api/visit-plans/${draft.id}/publish`, { cookie: supervisor })
    expect(pub.status, JSON.stringify(pub.body)).toBe(200)
    expect(pub.body).toMatchObject({ status: 'published', publishedBy: 'vp-supervisor', late: true, sequence: 1 })
    expect(pub.body.publishedAt >= before).toBe(true)
    const rows = await visitsOf(own, MONTH)
    expect(rows).toHaveLength(draft.visits.length)
    expect(rows.every((r: { status: string; sequence: number }) => r.status === 'planned' && r.sequence === 1)).toBe(true)
    expect((await call(app.url, 'POST', `/api/visit-plans/${draft.id}/publish`, { cookie: supervisor })).status).toBe(409)
    // The bureau of the city and of a town concerned see the announcement; another county's does not.
    const town = draft.visits[0].townCode as string
    for (const [cookie, seen] of [
      [bureau, true],
      [await signIn(db, app.url, 'vp-town-bureau', 'bureau', town), true],
      [await signIn(db, app.url, 'vp-far-bureau', 'bureau', '440282'), false],
    ] as const) {
      const audit = await get(app.url, '/api/audit', cookie)
      const entry = audit.body.entries.find((e: { action: string; target: { id: string } }) => e.action === 'visit_plan.publish' && e.target.id === draft.id)
      expect(Boolean(entry)).toBe(seen)
    }
    const listed = await get(app.url, `/api/visit-plans?supervisorId=${own}&month=${MONTH}`, bureau)
    expect(listed.body.plans.find((p: { id: string }) => p.id === draft.id)).toMatchObject({ status: 'published', late: true, publishedBy: 'vp-supervisor' })
  })

  it('publishes next month on time (not late)', async () => {
    const p = await plan(supervisor, own, NEXT)
    const pub = await call(app.url, 'POST', `/api/visit-plans/${p.id}/publish`, { cookie: supervisor })
    expect(pub.body).toMatchObject({ status: 'published', late: false })
  })

  it('records visits: done needs hours, missed needs a reason; audited; stationVisitHours counts them', async () => {
    const [a, b] = await visitsOf(own, MONTH)
    const path = (id: string) => `/api/visits/${id}/record`
    expect(await call(app.url, 'POST', path(a.id), { cookie: supervisor, body: { status: 'done' } })).toMatchObject({ status: 400, body: { field: 'hours' } })
    expect(await call(app.url, 'POST', path(b.id), { cookie: supervisor, body: { status: 'missed' } })).toMatchObject({ status: 400, body: { field: 'notes' } })
    expect(await call(app.url, 'POST', path(a.id), { cookie: supervisor, body: { status: 'done', hours: 49 } })).toMatchObject({ status: 400, body: { field: 'hours' } })
    expect(await call(app.url, 'POST', path(a.id), { cookie: bureau, body: { status: 'done', hours: 16 } })).toMatchObject({ status: 403 })
    const done = await call(app.url, 'POST', path(a.id), { cookie: supervisor, body: { status: 'done', hours: 16, notes: '走访了3个村' } })
    expect(done.body).toMatchObject({ id: a.id, status: 'done', hoursDone: 16, recordedBy: 'vp-supervisor' })
    const missed = await call(app.url, 'POST', path(b.id), { cookie: supervisor, body: { status: 'missed', notes: '暴雨停课' } })
    expect(missed.body).toMatchObject({ status: 'missed', hoursDone: null, notes: '暴雨停课' })
    const future = (await visitsOf(own, NEXT))[0]
    expect(await call(app.url, 'POST', path(future.id), { cookie: supervisor, body: { status: 'done', hours: 16 } })).toMatchObject({ status: 400, body: { field: 'status' } })
    const audit = await get(app.url, '/api/audit?within=4402', bureau)
    expect(audit.body.entries.filter((e: { action: string }) => e.action === 'visit.record').length).toBeGreaterThanOrEqual(2)
    const hours = await stationVisitHours(db.knex, '4402', MONTH)
    expect(hours.find((h) => h.stationId === a.station_id)).toMatchObject({ visits: 1, done: 1, missed: 0, hoursDone: 16, longestVisitHours: 16 })
    expect(hours.find((h) => h.stationId === b.station_id)).toMatchObject({ visits: 1, done: 0, missed: 1, hoursDone: 0 })
    expect(hours.filter((h) => h.visits === 0).length).toBeGreaterThan(0) // stations without a visit are listed too
    const list = await get(app.url, `/api/visits?within=4402&month=${MONTH}`, bureau)
    expect(list.body.visits.map((v: { id: string }) => v.id)).toContain(a.id)
  })

  it('re-planning and publishing again keeps the visits recorded and replaces the rest; the ICS keeps UIDs and raises SEQUENCE', async (ctx) => {
    const first = await ics(`/api/supervisors/${own}/visits.ics?month=${MONTH}`, supervisor)
    const recorded = (await visitsOf(own, MONTH)).filter((v: { status: string }) => v.status !== 'planned')
    const again = await plan(supervisor, own, MONTH)
    const done = recorded.find((v: { status: string }) => v.status === 'done')
    expect(again.visits.find((v: { stationId: string }) => v.stationId === done.station_id).dates).toEqual(done.dates)
    const pub = await call(app.url, 'POST', `/api/visit-plans/${again.id}/publish`, { cookie: supervisor })
    expect(pub.body).toMatchObject({ status: 'published', sequence: 2 })
    expect((await get(app.url, `/api/visit-plans/${draft.id}`, supervisor)).body.status).toBe('superseded')
    const rows = await visitsOf(own, MONTH)
    for (const r of recorded) expect(rows.find((x: { id: string }) => x.id === r.id)).toMatchObject({ status: r.status, sequence: 1 })
    expect(rows.filter((r: { status: string }) => r.status === 'planned').every((r: { sequence: number }) => r.sequence === 2)).toBe(true)
    expect(rows).toHaveLength(again.visits.length + 1) // the missed visit stays beside its station's new one

    const second = await ics(`/api/supervisors/${own}/visits.ics?month=${MONTH}`, supervisor)
    expect(second).toMatchObject({ status: 200, type: 'text/calendar; charset=utf-8' })
    if (!PY) return ctx.skip() // python3-icalendar missing (apt-get install -y python3-icalendar)
    const [was, now] = [parseIcs(first.text), parseIcs(second.text)]
    const days = rows.reduce((n: number, r: { dates: string[] }) => n + r.dates.length, 0)
    expect(now).toHaveLength(days)
    expect(new Set(now.map((e) => e.uid)).size).toBe(days)
    // Every visit day's event: 09:00-17:00 Asia/Shanghai, its station, its date in the UID.
    for (const r of rows) {
      for (const d of r.dates as string[]) {
        const e = now.find((x) => x.uid.includes(`-${r.station_id}-${d}@`))!
        expect(e, `${r.station_id} ${d}`).toBeTruthy()
        expect(new Date(e.start).toISOString()).toBe(`${d}T01:00:00.000Z`)
        expect(new Date(e.end).toISOString()).toBe(`${d}T09:00:00.000Z`)
        expect(e.geo).not.toBeNull()
        expect(e.status).toBe(r.status === 'missed' ? 'CANCELLED' : 'CONFIRMED')
      }
    }
    // A day planned both times keeps its UID and gets a higher SEQUENCE; recorded days keep theirs.
    const kept = now.filter((e) => was.some((w) => w.uid === e.uid))
    expect(kept.length).toBeGreaterThan(0)
    for (const e of kept) {
      const w = was.find((x) => x.uid === e.uid)!
      const recordedDay = recorded.some((r: { station_id: string; dates: string[] }) => r.dates.some((d) => e.uid.includes(`-${r.station_id}-${d}@`)))
      if (recordedDay) expect(e.sequence).toBe(w.sequence)
      else expect(e.sequence).toBeGreaterThan(w.sequence)
    }
    expect(was.every((e) => e.sequence === 1)).toBe(true)
    expect(now.some((e) => e.sequence === 2)).toBe(true)
    expect(now[0].summary).toMatch(/^督导走访 /)
  })
})

describe('the calendar subscription', () => {
  it('is a secret URL shown once, answered without a session, and revoked at once', async () => {
    const created = await call(app.url, 'POST', `/api/supervisors/${own}/calendar-token`, { cookie: supervisor })
    expect(created.status).toBe(201)
    const path = new URL(created.body.url).pathname
    expect(path).toMatch(/^\/ics\/[A-Za-z0-9_-]{43}\.ics$/)
    const stored = await db.knex('calendar_tokens').where({ supervisor_id: own }).first()
    expect(stored.token_hash).not.toContain(path.slice(5, 48))
    const feed = await ics(path)
    expect(feed.status).toBe(200)
    expect(feed.text).toContain('BEGIN:VCALENDAR')
    if (PY) expect(parseIcs(feed.text).length).toBeGreaterThan(0)
    const again = await call(app.url, 'POST', `/api/supervisors/${own}/calendar-token`, { cookie: supervisor })
    expect((await ics(path)).status).toBe(404) // a new URL replaces the old
    const newPath = new URL(again.body.url).pathname
    expect((await ics(newPath)).status).toBe(200)
    expect((await call(app.url, 'DELETE', `/api/supervisors/${own}/calendar-token`, { cookie: supervisor })).status).toBe(204)
    expect((await ics(newPath)).status).toBe(404)
    expect((await ics('/ics/short.ics')).status).toBe(400)
  })
})

describe('another supervisor', () => {
  it("is a 404 to a supervisor user: its plans, jobs, visits, calendar; the bureau reads them", async () => {
    const created = await call(app.url, 'POST', '/api/visit-plans', { cookie: admin, body: { supervisorId: other, month: MONTH } })
    expect(created.status).toBe(202)
    await app.jobs.idle()
    expect((await call(app.url, 'POST', `/api/visit-plans/${created.body.id}/publish`, { cookie: admin })).status).toBe(200)
    const visit = (await visitsOf(other, MONTH))[0]
    const station = (await db.knex('supervisor_stations').where({ supervisor_id: other }).first()).station_id
    const refused: [string, string, unknown?][] = [
      ['POST', '/api/visit-plans', { supervisorId: other, month: MONTH }],
      ['GET', `/api/visit-plans/${created.body.id}`],
      ['GET', `/api/visit-plans?supervisorId=${other}`],
      ['GET', `/api/jobs/${created.body.jobId}`],
      ['PATCH', `/api/visit-plans/${created.body.id}/visits/${station}`, { theme: 'x' }],
      ['POST', `/api/visit-plans/${created.body.id}/publish`],
      ['POST', `/api/visits/${visit.id}/record`, { status: 'missed', notes: 'x' }],
      ['GET', `/api/supervisors/${other}/visits.ics?month=${MONTH}`],
      ['POST', `/api/supervisors/${other}/calendar-token`],
      ['DELETE', `/api/supervisors/${other}/calendar-token`],
    ]
    for (const [method, path, body] of refused) {
      const res = path.endsWith('.ics') || method === 'GET' ? await fetchAny(method, path, supervisor) : await call(app.url, method, path, { cookie: supervisor, body })
      expect(res.status, `${method} ${path}`).toBe(404)
    }
    const list = await get(app.url, `/api/visits?within=4402&month=${MONTH}`, supervisor)
    expect(list.body.visits.length).toBeGreaterThan(0)
    expect(list.body.visits.every((v: { supervisorId: string }) => v.supervisorId === own)).toBe(true)
    expect((await db.knex('visits').where({ id: visit.id }).first()).status).toBe('planned')
    expect((await get(app.url, `/api/visit-plans/${created.body.id}`, bureau)).status).toBe(200)
    expect((await ics(`/api/supervisors/${other}/visits.ics?month=${MONTH}`, bureau)).status).toBe(200)
    expect((await get(app.url, `/api/visit-plans/${created.body.id}`, await signIn(db, app.url, 'vp-other-city', 'bureau', '4401'))).status).toBe(404)
  })
})

describe('the demo history', () => {
  const rowsText = async () => (await db.knex.raw(`select md5(string_agg(t::text, '|' order by t.id)) as h from visits t where month between '2026-09' and '2026-11'`)).rows[0].h
  it('publishes the last three months of every supervisor of the city, recorded done, missed or not yet; deterministic', async () => {
    const report = await seedDemoVisitHistory(db.knex, '4402', { today: '2026-12-01' })
    const supervisors = Number((await db.knex('supervisors').count({ n: '*' }))[0].n)
    expect(report.plans).toBeGreaterThanOrEqual(3 * (supervisors - 2)) // at most a fault supervisor's months may not fit
    expect(report.done).toBeGreaterThan(report.missed)
    expect(report.missed).toBeGreaterThan(0)
    expect(report.planned).toBeGreaterThan(0)
    const plans = await db.knex('visit_plans').where({ created_by: 'supervisor' }).orderBy('month')
    expect(plans.map((p: { month: string; status: string }) => [p.month, p.status])).toEqual([['2026-09', 'published'], ['2026-10', 'published'], ['2026-11', 'published']])
    const demo = await db.knex('visits').where({ supervisor_id: own, month: '2026-11' })
    expect(demo.some((v: { status: string }) => v.status !== 'planned')).toBe(true)
    expect((await db.knex('visits').where({ status: 'done' }).where('hours_done', '<', 16)).length).toBeGreaterThan(0)
    // The API shows it: the demo supervisor's November, and its plan.
    const list = await get(app.url, '/api/visits?within=4402&month=2026-11', supervisor)
    expect(list.body.visits.length).toBe(demo.length)
    expect((await get(app.url, `/api/visit-plans/${plans[2].id}`, supervisor)).body).toMatchObject({ status: 'published', result: { verified: true } })
    // Same seed and day, same rows: delete and seed again.
    const before = await rowsText()
    await db.knex('visit_plans').where('month', '>=', '2026-09').andWhere('month', '<=', '2026-11').del()
    await db.knex('visits').where('month', '>=', '2026-09').andWhere('month', '<=', '2026-11').del()
    await seedDemoVisitHistory(db.knex, '4402', { today: '2026-12-01' })
    expect(await rowsText()).toBe(before)
    expect((await seedDemoVisitHistory(db.knex, '4402', { today: '2026-12-01' })).plans).toBe(0)
  })
})

async function fetchAny(method: string, path: string, cookie: string) {
  if (path.includes('.ics')) return ics(path, cookie)
  return call(app.url, method, path, { cookie })
}
