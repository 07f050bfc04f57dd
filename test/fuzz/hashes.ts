/** Content hashes of the network tables (server/repositories/dataset.repository.ts) and of the users. */
import type { Knex } from 'knex'
import { tableHashes } from '../../server/repositories/dataset.repository.js'

/** md5 per network table, of `users`, of the visits and of the compliance records: equal data ⇔ equal hashes. */
export async function fuzzHashes(knex: Knex): Promise<Record<string, string>> {
  const hash = async (table: string) => (await knex.raw(`select coalesce(md5(string_agg(t::text, '|' order by t.id)), 'empty') as h from ?? t`, [table])).rows[0].h as string
  const records = Object.fromEntries(await Promise.all(['visits', 'station_scores', 'station_inspections', 'training_records'].map(async (t) => [t, await hash(t)] as const)))
  return { ...(await tableHashes(knex)), users: await hash('users'), ...records }
}

/** The tables whose hash differs. */
export const changedTables = (before: Record<string, string>, after: Record<string, string>): string[] =>
  Object.keys(after).filter((t) => after[t] !== before[t])
