// Staff plans as a county makes them (issue 10): each town keeps its workers and recruits;
// transfers between towns only when allowed and within maxTransferKm; the budget recruits or
// releases; the verifiers refuse a plan that breaks any of it.
import { describe, expect, it } from 'vitest'
import { allocateStaff, assignWorkers, budgetBounds, verifyAllocation, verifyAssignment, type AllocateStaffInput, type AssignWorkersInput, type CountyInput } from '../../../solver/index.js'

const village = (code: string, population: number, pointId: string) => ({ code, population, pointId })
/**
 * Town A: 8 workers, 2 villages of 200 people (overstaffed). Town B, `km` east of A: 4 workers for
 * 4 villages of 3,000 people (below the rules: needs 2 + 4 = 6). Coordinates on the equator.
 */
function county(km = 10, budget?: number): CountyInput {
  const east = km / 111.195
  return {
    code: 'C',
    name: '测试县',
    ...(budget !== undefined ? { budget } : {}),
    towns: [
      {
        code: 'A',
        name: '甲镇',
        station: { id: 'SA', adminPosts: 3, lnglat: [0, 0] },
        points: [{ id: 'PA', workers: 5, lnglat: [0.001, 0] }],
        villages: [village('A1', 200, 'PA'), village('A2', 200, 'PA')],
      },
      {
        code: 'B',
        name: '乙镇',
        station: { id: 'SB', adminPosts: 2, lnglat: [east, 0] },
        points: [
          { id: 'PB1', workers: 1, lnglat: [east + 0.001, 0] },
          { id: 'PB2', workers: 1, lnglat: [east + 0.002, 0] },
        ],
        villages: [village('B1', 3000, 'PB1'), village('B2', 3000, 'PB1'), village('B3', 3000, 'PB2'), village('B4', 3000, 'PB2')],
      },
    ],
  }
}
const town = (r: Awaited<ReturnType<typeof allocateStaff>>, code: string) => r.counties[0].towns.find((t) => t.code === code)!

describe('staff plans keep workers in their towns', () => {
  it('recruits in the town short of the rules instead of transferring from another (the default)', async () => {
    const input: AllocateStaffInput = { counties: [county()] }
    const r = await allocateStaff(input)
    expect(r.status).toBe('optimal')
    expect(r.parameters.allowTransfers).toBe(false)
    const c = r.counties[0]
    expect(c).toMatchObject({ today: 12, keep: 14, budget: 14, recruits: 2, released: 0, transfers: [] })
    expect(town(r, 'A')).toMatchObject({ recruits: 0, released: 0, transfersOut: 0 })
    expect(town(r, 'A').adminPosts + town(r, 'A').servicePosts).toBe(8)
    expect(town(r, 'B')).toMatchObject({ recruits: 2, transfersIn: 0 })
    expect(verifyAllocation(input, r)).toEqual([])
  })

  it('transfers only when allowed, and only within maxTransferKm', async () => {
    // Same headcount as today (budget 12): B needs two more by the rules, and more for its
    // demand; with transfers A sends all it can spare (down to its own rule minimum, 4).
    const allowed = await allocateStaff({ counties: [county(10, 12)], allowTransfers: true })
    expect(allowed.counties[0].transfers).toEqual([{ from: 'A', to: 'B', count: 4 }])
    expect(allowed.counties[0]).toMatchObject({ recruits: 0, released: 0 })
    const tooFar = await allocateStaff({ counties: [county(40, 12)], allowTransfers: true })
    expect(tooFar.counties[0].transfers).toEqual([])
    // Without a transfer the budget of 12 means: B recruits what the rules need, A releases as many.
    expect(tooFar.counties[0]).toMatchObject({ recruits: 2, released: 2 })
    const limited = await allocateStaff({ counties: [county(10, 12)], allowTransfers: true, maxTransferKm: 5 })
    expect(limited.counties[0].transfers).toEqual([])
    const off = await allocateStaff({ counties: [county(10, 12)] })
    expect(off.counties[0].transfers).toEqual([])
    expect(verifyAllocation({ counties: [county(10, 12)], allowTransfers: true }, allowed)).toEqual([])
    expect(verifyAllocation({ counties: [county(40, 12)], allowTransfers: true }, tooFar)).toEqual([])
  })

  it('a budget above the headcount recruits the difference; below it releases workers', async () => {
    const up = await allocateStaff({ counties: [county(10, 20)] })
    expect(up.counties[0]).toMatchObject({ budget: 20, recruits: 8, released: 0 })
    const down = await allocateStaff({ counties: [county(10, 10)] })
    // B still recruits the 2 the rules need; so 12 − 10 + 2 = 4 are released, all in A.
    expect(down.counties[0]).toMatchObject({ budget: 10, recruits: 2, released: 4 })
    expect(town(down, 'A').released).toBe(4)
    expect(budgetBounds(county())).toEqual({ minimum: 4 + 6, current: 12, keep: 14, maximum: 18 })
  })

  it('the allocation verifier refuses transfers when off, beyond the limit, and miscounted recruits or releases', async () => {
    const input: AllocateStaffInput = { counties: [county(10, 12)], allowTransfers: true }
    const r = await allocateStaff(input)
    expect(verifyAllocation(input, r)).toEqual([])
    expect(verifyAllocation({ ...input, allowTransfers: false }, r).join()).toMatch(/transfers are not allowed/)
    expect(verifyAllocation({ ...input, maxTransferKm: 5 }, r).join()).toMatch(/above maxTransferKm 5/)
    const miscounted = structuredClone(r)
    miscounted.counties[0].recruits += 1
    expect(verifyAllocation(input, miscounted).join()).toMatch(/reports 1 recruits/)
    const hidden = structuredClone(r)
    // A transfer passed off as a recruit and a release: the counts no longer match the budget rules.
    hidden.counties[0].transfers = []
    Object.assign(hidden.counties[0].towns[0], { transfersOut: 0, released: 4 })
    Object.assign(hidden.counties[0].towns[1], { transfersIn: 0, recruits: 4 })
    Object.assign(hidden.counties[0], { recruits: 4, released: 4 })
    expect(verifyAllocation(input, hidden).join()).toMatch(/4 recruits while the county shrinks; the rules need 2/)
  })
})

describe('assignWorkers under the town-employer rule', () => {
  const input = (over: Partial<AssignWorkersInput> = {}): AssignWorkersInput => ({
    locations: [
      { id: 'PA', townCode: 'A', lnglat: [0, 0], posts: 1 },
      { id: 'PB', townCode: 'B', lnglat: [0.09, 0], posts: 2 },
    ],
    workers: [
      { id: 'a1', currentLocationId: 'PA', home: [0, 0] },
      { id: 'a2', currentLocationId: 'PA', home: [0, 0] },
      { id: 'b1', currentLocationId: 'PB', home: [0.09, 0] },
    ],
    ...over,
  })

  it('leaves the post of another town to the recruitment and releases the surplus worker, by the same objective', async () => {
    const r = await assignWorkers(input({ recruits: { B: 1 } }))
    expect(r.verified).toBe(true)
    expect(r.transfers).toBe(0)
    expect(r.recruits).toEqual([{ locationId: 'PB', townCode: 'B', count: 1 }])
    expect(r.unplaced).toHaveLength(1)
    expect(r.vacancies).toEqual([])
    expect(verifyAssignment(input({ recruits: { B: 1 } }), r)).toEqual([])
    // Without recruits asked, the post stays vacant.
    const v = await assignWorkers(input())
    expect(v.vacancies).toEqual([{ locationId: 'PB', role: null, count: 1 }])
  })

  it('transfers when allowed within maxTransferKm (10 km here), not beyond', async () => {
    const r = await assignWorkers(input({ allowTransfers: true }))
    expect(r.transfers).toBe(1)
    expect(r.moves[0]).toMatchObject({ transfer: true, to: 'PB' })
    expect(r.moves[0].postKm).toBeCloseTo(10.0, 0)
    const near = await assignWorkers(input({ allowTransfers: true, maxTransferKm: 5 }))
    expect(near.transfers).toBe(0)
  })

  it('its verifier refuses a transfer when off or too far, and miscounted recruits or released workers', async () => {
    const allowed = input({ allowTransfers: true })
    const r = await assignWorkers(allowed)
    expect(verifyAssignment(allowed, r)).toEqual([])
    expect(verifyAssignment(input(), r).join()).toMatch(/transfers are not allowed/)
    expect(verifyAssignment({ ...allowed, maxTransferKm: 5 }, r).join()).toMatch(/above maxTransferKm 5/)
    const rec = await assignWorkers(input({ recruits: { B: 1 } }))
    expect(verifyAssignment(input({ recruits: { B: 2 } }), rec).join()).toMatch(/1 recruits placed, 2 asked/)
    expect(verifyAssignment(input({ recruits: { B: 1 } }), { ...rec, unplaced: [] }).join()).toMatch(/released/)
  })
})
