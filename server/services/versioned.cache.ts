/**
 * Answers derived from the network (coverage reports, divisions with their summaries and
 * outlines) as JSON text, cached by the data version of the scope they are about.
 *
 * Such an answer depends only on its key (what was asked) and the network rows of its
 * scope; the database bumps the versions of the counties every statement touches
 * (migration 0009), so an answer computed at scope version v is valid while the scope's
 * version is still v, whatever changes in other counties. Each request reads the scope's
 * version (a sum over a few hundred rows at most) and either answers the stored text or
 * computes it anew; concurrent requests for the same missing answer share one computation.
 * Only the root connection may use the cache: inside a transaction the version may include
 * writes that are later rolled back. Scope is the caller's business: check it before `get`.
 */
import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { Knex } from 'knex'
import { LRUCache } from 'lru-cache'
import { dataVersion } from '../repositories/meta.repository.js'

const gzip = promisify(gzipCallback)

/** The bytes of an answer: its JSON as UTF-8 and gzipped (made once, in libuv's thread pool). */
export interface JsonBytes {
  body: Buffer
  gzip: Buffer
}

/** An answer as sent: its bytes, the data version it reflects, and whether it was stored. */
export interface CachedJson extends JsonBytes {
  version: number
  cached: boolean
  /** Time spent computing it (0 when cached). */
  ms: number
}

/** An answer stored or being computed, and the scope version it reflects. */
interface Stored<T> {
  version: number
  bytes: T
}

/**
 * Above this size an answer is gzipped at level 2, not zlib's default 6: on a province
 * report (10 MB of JSON) level 6 takes about 4 × as long (measured: 175 vs 45 ms) for an
 * answer only a quarter smaller (0.76 vs 0.96 MB).
 */
export const FAST_GZIP_ABOVE_BYTES = 2 ** 20

async function encode(answer: unknown): Promise<JsonBytes> {
  const body = Buffer.from(JSON.stringify(answer), 'utf8')
  return { body, gzip: await gzip(body, { level: body.length > FAST_GZIP_ABOVE_BYTES ? 2 : 6 }) }
}

/** Default memory bound: a whole-province coverage report with polygons is about 40 MB. */
const DEFAULT_MAX_BYTES = 128 * 2 ** 20

/**
 * Finished answers live in an LRU (lru-cache) bounded by their bytes; computations under way
 * are kept aside (they hold no bytes yet and are never evicted), one per key, so that
 * concurrent requests for the same missing answer at the same version share one.
 */
export class VersionedCache {
  private readonly finished: LRUCache<string, Stored<JsonBytes>>
  private readonly pending = new Map<string, Stored<Promise<JsonBytes>>>()

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.finished = new LRUCache({
      maxSize: maxBytes,
      // An answer larger than the whole bound counts as the bound: storing it evicts every
      // other one and it stays (the newest answer always stays).
      sizeCalculation: (e) => Math.max(1, Math.min(byteSize(e.bytes), maxBytes)),
    })
  }

  /**
   * The answer of `key` as JSON text: stored, or made by `compute` at the current data
   * version of `scope` (the division code the answer is about; the same for every use of a key).
   */
  async get(knex: Knex, scope: string, key: string, compute: () => Promise<unknown>): Promise<CachedJson> {
    if (knex.isTransaction) throw new Error('VersionedCache.get must not run inside a transaction')
    const version = await dataVersion(knex, scope)
    const hit = this.finished.get(key) // a hit becomes the most recently used
    if (hit?.version === version) return { ...hit.bytes, version, cached: true, ms: 0 }
    const running = this.pending.get(key)
    if (running?.version === version) return { ...(await running.bytes), version, cached: true, ms: 0 }

    const started = performance.now()
    const entry = { version, bytes: compute().then(encode) }
    // A request that read an older version than one stored or under way answers without storing.
    const store = version > Math.max(hit?.version ?? -Infinity, running?.version ?? -Infinity)
    if (store) {
      this.finished.delete(key) // outdated: no request at the new version can use it
      this.pending.set(key, entry)
    }
    try {
      const done = await entry.bytes
      if (this.pending.get(key) === entry) {
        this.pending.delete(key)
        this.finished.set(key, { version, bytes: done })
      }
      return { ...done, version, cached: false, ms: performance.now() - started }
    } catch (err) {
      if (this.pending.get(key) === entry) this.pending.delete(key)
      throw err
    }
  }

  /** Number of stored (finished) answers and their size in bytes (plain and gzipped). */
  get size(): { entries: number; bytes: number } {
    let bytes = 0
    for (const e of this.finished.values()) bytes += byteSize(e.bytes)
    return { entries: this.finished.size, bytes }
  }
}

/** The memory an answer holds: its plain and gzipped bytes. */
export function byteSize(answer: JsonBytes): number {
  return answer.body.length + answer.gzip.length
}
