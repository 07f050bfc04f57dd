/**
 * The versioned cache's rules (server/services/versioned.cache.ts), with the scope version
 * read from a stand-in connection so that races can be staged exactly: an entry is valid
 * only at its version, concurrent requests share one computation, a request that read an
 * older version never overwrites a newer entry, the newest answer always stays.
 * test/db/coverage.test.ts covers the same cache on a real database.
 */
import type { Knex } from 'knex'
import { describe, expect, it } from 'vitest'
import { byteSize, VersionedCache } from '../../server/services/versioned.cache.js'

/** A connection whose data version is `version[scope]` (0 when unset) at the moment it is read. */
function connection() {
  const versions: Record<string, number> = {}
  const knex = {
    isTransaction: false,
    raw: async (_sql: string, [scope]: string[]) => ({ rows: [{ v: String(versions[scope] ?? 0) }] }),
  } as unknown as Knex
  return { knex, versions }
}

/** A computation that finishes when told to, counting how often it ran. */
function gate<T>(value: T) {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  const counter = { runs: 0 }
  const compute = async () => {
    counter.runs++
    await opened
    return value
  }
  return { compute, open, counter }
}

const text = (answer: { body: Buffer }) => JSON.parse(answer.body.toString('utf8'))
const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('VersionedCache', () => {
  it('answers a stored answer while the scope version holds, and computes anew once it moves', async () => {
    const { knex, versions } = connection()
    const cache = new VersionedCache()
    let runs = 0
    const compute = async () => ({ run: ++runs })
    expect(await cache.get(knex, '4402', 'k', compute)).toMatchObject({ cached: false, version: 0 })
    const again = await cache.get(knex, '4402', 'k', compute)
    expect(again).toMatchObject({ cached: true, version: 0, ms: 0 })
    expect(text(again)).toEqual({ run: 1 })
    versions['4402'] = 3
    const moved = await cache.get(knex, '4402', 'k', compute)
    expect(moved).toMatchObject({ cached: false, version: 3 })
    expect(text(moved)).toEqual({ run: 2 })
    expect(cache.size.entries).toBe(1)
    expect(text(await cache.get(knex, '4402', 'k', compute))).toEqual({ run: 2 })
  })

  it('shares one computation among concurrent requests for the same missing answer', async () => {
    const { knex } = connection()
    const cache = new VersionedCache()
    const { compute, open, counter } = gate({ a: 1 })
    const requests = Promise.all([1, 2, 3].map(() => cache.get(knex, '', 'k', compute)))
    await tick()
    open()
    const answers = await requests
    expect(counter.runs).toBe(1)
    expect(answers.map((a) => a.cached).sort()).toEqual([false, true, true])
    expect(answers.every((a) => a.body.equals(answers[0].body))).toBe(true)
  })

  it('never lets a request that read an older version overwrite a newer answer', async () => {
    const { knex, versions } = connection()
    const cache = new VersionedCache()
    // The old request starts at version 0 and finishes last.
    const old = gate({ v: 0 })
    const oldRequest = cache.get(knex, '44', 'k', old.compute)
    await tick()
    versions['44'] = 1
    const fresh = await cache.get(knex, '44', 'k', async () => ({ v: 1 }))
    expect(fresh).toMatchObject({ cached: false, version: 1 })
    old.open()
    expect(await oldRequest).toMatchObject({ cached: false, version: 0 })
    expect(text(await cache.get(knex, '44', 'k', async () => ({ v: 'recomputed' })))).toEqual({ v: 1 })

    // A request that reads an older version than the one stored answers without storing.
    const stale = { ...knex, raw: async () => ({ rows: [{ v: '0' }] }) } as unknown as Knex
    expect(text(await cache.get(stale, '44', 'k', async () => ({ v: 'stale' })))).toEqual({ v: 'stale' })
    expect(text(await cache.get(knex, '44', 'k', async () => ({ v: 'recomputed' })))).toEqual({ v: 1 })
  })

  it('lets a newer computation replace one under way, whichever finishes first', async () => {
    const { knex, versions } = connection()
    const cache = new VersionedCache()
    const first = gate({ v: 0 })
    const second = gate({ v: 1 })
    const a = cache.get(knex, '', 'k', first.compute)
    await tick()
    versions[''] = 1
    const b = cache.get(knex, '', 'k', second.compute)
    await tick()
    second.open()
    await b
    first.open()
    await a
    expect(text(await cache.get(knex, '', 'k', async () => ({ v: 'recomputed' })))).toEqual({ v: 1 })
  })

  it('stores nothing for a failed computation', async () => {
    const { knex } = connection()
    const cache = new VersionedCache()
    await expect(cache.get(knex, '', 'k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(cache.size.entries).toBe(0)
    expect(await cache.get(knex, '', 'k', async () => 1)).toMatchObject({ cached: false })
  })

  it('keeps within its byte bound, least recently used first out, and always keeps the newest answer', async () => {
    const { knex } = connection()
    const answer = (n: number) => async () => 'x'.repeat(n)
    const probe = new VersionedCache()
    const size = byteSize(await probe.get(knex, '', 'p', answer(1000)))
    const cache = new VersionedCache(2 * size + 1)
    for (const key of ['a', 'b', 'a', 'c']) await cache.get(knex, '', key, answer(1000))
    expect(cache.size).toEqual({ entries: 2, bytes: 2 * size })
    expect((await cache.get(knex, '', 'a', answer(1000))).cached).toBe(true)
    expect((await cache.get(knex, '', 'b', answer(1000))).cached).toBe(false)
    // An answer larger than the whole bound evicts every other one and stays.
    const big = await cache.get(knex, '', 'big', answer(100_000))
    expect(cache.size).toEqual({ entries: 1, bytes: byteSize(big) })
    expect((await cache.get(knex, '', 'big', answer(100_000))).cached).toBe(true)
  })

  it('refuses to run inside a transaction', async () => {
    const { knex } = connection()
    const trx = { ...knex, isTransaction: true } as unknown as Knex
    await expect(new VersionedCache().get(trx, '', 'k', async () => 1)).rejects.toThrow(/transaction/)
  })
})
