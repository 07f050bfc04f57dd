/**
 * Runs independent queries side by side on a pool, but one after another inside a
 * transaction: a transaction is one connection, and pg refuses overlapping queries on a
 * client (and PGlite has a single connection anyway).
 */
import type { Knex } from 'knex'

type Thunks<T extends readonly unknown[]> = { [K in keyof T]: () => Promise<T[K]> }

export async function inParallel<T extends readonly unknown[]>(knex: Knex, thunks: Thunks<T>): Promise<T> {
  if (!knex.isTransaction) return Promise.all(thunks.map((f) => f())) as unknown as Promise<T>
  const out: unknown[] = []
  for (const f of thunks) out.push(await f())
  return out as unknown as T
}
