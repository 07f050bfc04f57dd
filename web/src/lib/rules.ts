/**
 * The programme's rules as the web shows them: names with the rule's values from
 * solver/policy.ts (the one place they are defined), never numbers copied into messages.
 */
import { STATION_ADMIN_POSTS_MIN, STATION_GRID_UNITS, SUPERVISOR_STATIONS } from '../../../solver/policy'
import { t } from './i18n.svelte'
import type { MessageKey } from './messages'

/** The values each rule's message names ({n}, {min}, {max}). */
const RULE_VALUES: Record<string, Record<string, number>> = {
  station_admin_min: { n: STATION_ADMIN_POSTS_MIN.value },
  station_grid_units_range: STATION_GRID_UNITS.value,
  supervisor_stations_range: SUPERVISOR_STATIONS.value,
}

/** The name of a rule (a violation's `rule`) in the current language, with its values. */
export function ruleName(rule: string): string {
  return t(`rule.${rule}` as MessageKey, RULE_VALUES[rule])
}

/** Help text of a plan kind, with the values of the rules it names. */
export function planKindHelp(kind: 'staff' | 'grids' | 'supervisors'): string {
  const values = kind === 'grids' ? STATION_GRID_UNITS.value : kind === 'supervisors' ? SUPERVISOR_STATIONS.value : undefined
  return t(`plan.kind.${kind}.help` as MessageKey, values)
}
