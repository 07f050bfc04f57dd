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

interface Entry {
  version: number
  bytes: Promise<JsonBytes>
  size: number
}

async function encode(answer: unknown): Promise<JsonBytes> {
  const body = Buffer.from(JSON.stringify(answer), 'utf8')
  return { body, gzip: await gzip(body) }
}

/** Default memory bound: a whole-province coverage report with polygons is about 40 MB. */
const DEFAULT_MAX_BYTES = 128 * 2 ** 20

export class VersionedCache {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /**
   * The answer of `key` as JSON text: stored, or made by `compute` at the current data
   * version of `scope` (the division code the answer is about; the same for every use of a key).
   */
  async get(knex: Knex, scope: string, key: string, compute: () => Promise<unknown>): Promise<CachedJson> {
    if (knex.isTransaction) throw new Error('VersionedCache.get must not run inside a transaction')
    const version = await dataVersion(knex, scope)
    const hit = this.entries.get(key)
    if (hit && hit.version === version) {
      // Most recently used last (eviction takes the first).
      this.entries.delete(key)
      this.entries.set(key, hit)
      return { ...(await hit.bytes), version, cached: true, ms: 0 }
    }
    const started = performance.now()
    const bytes = compute().then(encode)
    // A request that read an older version than the stored entry's answers without storing.
    const store = !hit || hit.version < version
    const entry: Entry = { version, bytes, size: 0 }
    if (store) {
      this.drop(key)
      this.entries.set(key, entry)
    }
    try {
      const done = await bytes
      if (this.entries.get(key) === entry) {
        // Stored when finished: most recently used, then counted.
        entry.size = byteSize(done)
        this.entries.delete(key)
        this.entries.set(key, entry)
        this.bytes += entry.size
        this.evict()
      }
      return { ...done, version, cached: false, ms: performance.now() - started }
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key)
      throw err
    }
  }

  /** Number of stored answers and their size in bytes (plain and gzipped). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes }
  }

  private drop(key: string): void {
    const e = this.entries.get(key)
    if (!e) return
    this.bytes -= e.size
    this.entries.delete(key)
  }

  /** Drops the least recently used finished answers until the bound holds (the newest always stays). */
  private evict(): void {
    const finished = [...this.entries].filter(([, e]) => e.size > 0)
    for (const [key] of finished.slice(0, -1)) {
      if (this.bytes <= this.maxBytes) break
      this.drop(key)
    }
  }
}

/** The memory an answer holds: its plain and gzipped bytes. */
export function byteSize(answer: JsonBytes): number {
  return answer.body.length + answer.gzip.length
}
