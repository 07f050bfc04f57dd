/** Content hashes of the network tables (server/repositories/dataset.repository.ts) and of the users. */
import type { Knex } from 'knex'
import { tableHashes } from '../../server/repositories/dataset.repository.js'

/** md5 per network table and of `users`: equal data ⇔ equal hashes. */
export async function fuzzHashes(knex: Knex): Promise<Record<string, string>> {
  const users = await knex.raw(`select coalesce(md5(string_agg(t::text, '|' order by t.id)), 'empty') as h from users t`)
  return { ...(await tableHashes(knex)), users: users.rows[0].h as string }
}

/** The tables whose hash differs. */
export const changedTables = (before: Record<string, string>, after: Record<string, string>): string[] =>
  Object.keys(after).filter((t) => after[t] !== before[t])
