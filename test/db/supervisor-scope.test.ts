/**
 * Supervisors cross scopes: one based in county 990102 also covers a station of county
 * 990101. A scoped reader sees a supervisor based outside its scope only by name on its
 * own stations, never with a county, a home base or stations outside the scope (issue 14,
 * defect 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { get, loadDataset, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }

beforeAll(async () => {
  db = await testDb()
  const data = compliantDataset(2)
  // Station st-990101001 passes from county 990101's supervisor to county 990102's.
  const [a, b] = data.supervisors
  a.stationIds = a.stationIds.filter((s) => s !== 'st-990101001')
  b.stationIds = [...b.stationIds, 'st-990101001']
  await loadDataset(db, data)
  app = await startApp(db)
})
afterAll(() => app?.stop())

type Feature = { id: string; geometry: unknown; properties: Record<string, unknown> }
const supervisors = async (cookie: string, within: string): Promise<Record<string, Feature>> => {
  const res = await get(app.url, `/api/supervisors?within=${within}`, cookie)
  expect(res.status).toBe(200)
  return Object.fromEntries(res.body.features.map((f: Feature) => [f.id, f]))
}

describe('supervisors seen from a scope', () => {
  it('a county viewer sees its own supervisor in full and the other county’s only by name, on its own station', async () => {
    const viewer = await signIn(db, app.url, 'sv-viewer-a', 'viewer', '990101')
    const list = await supervisors(viewer, '990101')
    expect(Object.keys(list).sort()).toEqual(['sv-990101-1', 'sv-990102-1'])
    const own = list['sv-990101-1']
    expect(own.geometry).not.toBeNull()
    expect(own.properties).toMatchObject({ restricted: false, countyCode: '990101', stationCount: 4 })
    expect(own.properties.stationIds).toEqual(['st-990101002', 'st-990101003', 'st-990101004', 'st-990101005'])
    const foreign = list['sv-990102-1']
    expect(foreign.geometry).toBeNull()
    expect(foreign.properties).toEqual({ id: 'sv-990102-1', name: '督导2', restricted: true, countyCode: null, stationIds: ['st-990101001'], stationCount: null })
    const body = JSON.stringify(await get(app.url, '/api/stations?within=990101', viewer))
    expect(body).not.toMatch(/st-990102/)
  })

  it('names the supervisor on the stations list, without its base', async () => {
    const viewer = await signIn(db, app.url, 'sv-viewer-a2', 'viewer', '990101')
    const res = await get(app.url, '/api/stations?within=990101001', viewer)
    expect(res.body.features.map((f: Feature) => f.properties)).toMatchObject([{ id: 'st-990101001', supervisorId: 'sv-990102-1', supervisorName: '督导2' }])
  })

  it('a town viewer sees its county’s supervisor only with the town’s station', async () => {
    const viewer = await signIn(db, app.url, 'sv-viewer-town', 'viewer', '990101002')
    const list = await supervisors(viewer, '990101002')
    expect(Object.keys(list)).toEqual(['sv-990101-1'])
    expect(list['sv-990101-1'].geometry).toBeNull()
    expect(list['sv-990101-1'].properties).toMatchObject({ restricted: true, countyCode: null, stationIds: ['st-990101002'], stationCount: null })
  })

  it('the city viewer sees both supervisors in full', async () => {
    const viewer = await signIn(db, app.url, 'sv-viewer-city', 'viewer', '9901')
    const list = await supervisors(viewer, '990101')
    expect(list['sv-990102-1'].properties).toMatchObject({ restricted: false, countyCode: '990102', stationCount: 6 })
    expect(list['sv-990102-1'].geometry).not.toBeNull()
  })
})
