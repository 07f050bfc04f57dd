/** Seeding: generate the deterministic demo for a scope and write it to the database. */
import type { Knex } from 'knex'
import { generateDataset } from '../../geodata/generate.js'
import type { GenerateScope } from '../../geodata/types.js'
import { countDivisions, insertDataset } from '../repositories/dataset.repository.js'
import { findDivision } from '../repositories/divisions.repository.js'

export interface SeedReport {
  scope: GenerateScope
  counts: Record<string, number>
  generateMs: number
  insertMs: number
}

/**
 * Generates and inserts the demo data of a city or the province. Refuses (without
 * writing) when any of its cities is already in the database.
 */
export async function seedDemo(knex: Knex, scope: GenerateScope, seed = 1): Promise<SeedReport> {
  const t0 = performance.now()
  const data = generateDataset(scope, { seed })
  const t1 = performance.now()
  for (const d of data.divisions) {
    if (d.level !== 'city') continue
    if (await findDivision(knex, d.code)) {
      throw new Error(`city ${d.code} (${d.name}) is already in the database; reset it first (npm run seed -- --reset ...)`)
    }
  }
  await insertDataset(knex, data)
  const t2 = performance.now()
  return { scope, counts: await countDivisions(knex), generateMs: Math.round(t1 - t0), insertMs: Math.round(t2 - t1) }
}
