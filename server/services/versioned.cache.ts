/**
 * Answers derived from the network (coverage reports, divisions with their summaries and
 * outlines) as JSON text, cached by the data version.
 *
 * Such an answer depends only on its key (what was asked) and the network rows; the
 * database bumps the data version with every statement that changes the network
 * (migration 0006), so an answer computed at version v is valid while the version is still
 * v. Each request reads the version (one indexed row) and either answers the stored text or
 * computes it anew; concurrent requests for the same missing answer share one computation.
 * Only the root connection may use the cache: inside a transaction the version may include
 * writes that are later rolled back. Scope is the caller's business: check it before `get`.
 */
import type { Knex } from 'knex'
import { dataVersion } from '../repositories/meta.repository.js'

/** An answer as sent: its JSON text, the data version it reflects, and whether it was stored. */
export interface CachedJson {
  body: string
  version: number
  cached: boolean
  /** Time spent computing it (0 when cached). */
  ms: number
}

interface Entry {
  version: number
  body: Promise<string>
  bytes: number
}

/** Default memory bound: a whole-province coverage report with polygons is about 40 MB. */
const DEFAULT_MAX_BYTES = 128 * 2 ** 20

export class VersionedCache {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /** The answer of `key` as JSON text: stored, or made by `compute` at the current data version. */
  async get(knex: Knex, key: string, compute: () => Promise<unknown>): Promise<CachedJson> {
    if (knex.isTransaction) throw new Error('VersionedCache.get must not run inside a transaction')
    const version = await dataVersion(knex)
    const hit = this.entries.get(key)
    if (hit && hit.version === version) {
      // Most recently used last (eviction takes the first).
      this.entries.delete(key)
      this.entries.set(key, hit)
      return { body: await hit.body, version, cached: true, ms: 0 }
    }
    const started = performance.now()
    const body = compute().then((answer) => JSON.stringify(answer))
    // A request that read an older version than the stored entry's answers without storing.
    const store = !hit || hit.version < version
    const entry: Entry = { version, body, bytes: 0 }
    if (store) {
      this.drop(key)
      this.entries.set(key, entry)
    }
    try {
      const text = await body
      if (this.entries.get(key) === entry) {
        // Stored when finished: most recently used, then counted.
        entry.bytes = text.length * 2
        this.entries.delete(key)
        this.entries.set(key, entry)
        this.bytes += entry.bytes
        this.evict()
      }
      return { body: text, version, cached: false, ms: performance.now() - started }
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key)
      throw err
    }
  }

  /** Number of stored answers and their approximate size in bytes (UTF-16). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes }
  }

  private drop(key: string): void {
    const e = this.entries.get(key)
    if (!e) return
    this.bytes -= e.bytes
    this.entries.delete(key)
  }

  /** Drops the least recently used finished answers until the bound holds (the newest always stays). */
  private evict(): void {
    const finished = [...this.entries].filter(([, e]) => e.bytes > 0)
    for (const [key] of finished.slice(0, -1)) {
      if (this.bytes <= this.maxBytes) break
      this.drop(key)
    }
  }
}
