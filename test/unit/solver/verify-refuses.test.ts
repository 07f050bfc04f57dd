// A wrong model must not reach a user: with the transfer rules of the model builders broken
// on purpose (every move allowed), the answers the backends return (valid for that model) are
// refused by the problems' own verifiers through the public solve path.
import { describe, expect, it, vi } from 'vitest'
import { solveInThread } from '../../../solver/index.js'

vi.mock('../../../solver/assign/transfers.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../solver/assign/transfers.js')>()
  return { ...real, mayTake: () => true }
})
vi.mock('../../../solver/allocate/frame.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../solver/allocate/frame.js')>()
  return {
    ...real,
    staffingFrame: (...args: Parameters<typeof real.staffingFrame>) => {
      const frame = real.staffingFrame(...args)
      const n = args[0].towns.length
      return { ...frame, arcs: Array.from({ length: n * n }, (_, k) => [Math.floor(k / n), k % n] as [number, number]).filter(([a, b]) => a !== b) }
    },
  }
})

describe('the verifiers refuse a corrupted answer', () => {
  it('assignWorkers: a transfer although transfers are off', async () => {
    const r = await solveInThread('assignWorkers', {
      locations: [
        { id: 'PA', townCode: 'A', lnglat: [0, 0], posts: 1 },
        { id: 'PB', townCode: 'B', lnglat: [0.5, 0], posts: 2 },
      ],
      workers: [
        { id: 'a1', currentLocationId: 'PA', home: [0, 0] },
        { id: 'a2', currentLocationId: 'PA', home: [0, 0] },
        { id: 'b1', currentLocationId: 'PB', home: [0.5, 0] },
      ],
    })
    expect(r.verified).toBe(false)
    expect(r.status).toBe('error')
    expect(r.backendStatus).toMatch(/transfers are not allowed/)
    expect(r.moves).toEqual([])
  })

  it('allocateStaff: workers moved between towns although transfers are off', async () => {
    const r = await solveInThread('allocateStaff', {
      counties: [
        {
          code: 'C',
          budget: 12,
          towns: [
            { code: 'A', station: { id: 'SA', adminPosts: 3 }, points: [{ id: 'PA', workers: 5 }], villages: [{ code: 'A1', population: 100, pointId: 'PA' }] },
            {
              code: 'B',
              station: { id: 'SB', adminPosts: 2 },
              points: [{ id: 'PB', workers: 2 }],
              villages: [1, 2].map((k) => ({ code: `B${k}`, population: 5000, pointId: 'PB' })),
            },
          ],
        },
      ],
    })
    expect(r.verified).toBe(false)
    expect(r.counties[0].status).toBe('error')
    expect(r.counties[0].backendStatus).toMatch(/transfers are not allowed/)
  })
})
