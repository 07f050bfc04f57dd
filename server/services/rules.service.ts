/** Use case: check the programme rules within a division. */
import type { Knex } from 'knex'
import { ruleFacts } from '../repositories/rules.repository.js'
import { requireDivision } from './divisions.service.js'
import { evaluateRules, type Violation } from './rules.js'

/** Every rule violation within a division; 404 when the division is unknown. */
export async function checkRules(knex: Knex, within: string): Promise<{ within: string; violations: Violation[] }> {
  await requireDivision(knex, within)
  return { within, violations: evaluateRules(await ruleFacts(knex, within)) }
}
