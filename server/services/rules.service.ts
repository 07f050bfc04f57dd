/** Use case: check the programme rules within a division. */
import type { Knex } from 'knex'
import { ruleFacts } from '../repositories/rules.repository.js'
import { requireDivision } from './divisions.service.js'
import { evaluateRules, type RuleViolation } from './rules.js'

/** Every rule violation within a division; 404 when unknown or outside the scope. */
export async function checkRules(knex: Knex, within: string, scope = ''): Promise<{ within: string; violations: RuleViolation[] }> {
  await requireDivision(knex, within, scope)
  return { within, violations: evaluateRules(await ruleFacts(knex, within)) }
}
