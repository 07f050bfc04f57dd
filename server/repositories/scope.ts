/** Scope filtering by division code: a child's code starts with its parent's code. */

import { levelOfCode } from '../../geodata/codes.js'

/** The LIKE pattern matching every code at or below `code` ('' = the nation, everything). */
export function under(code: string): string {
  levelOfCode(code) // codes are digits only: nothing to escape
  return `${code}%`
}

/**
 * SQL condition on supervisors (alias `v`): based in the scope, or covering one of its
 * stations. It binds the scope's LIKE pattern twice.
 */
export const SUPERVISOR_IN_SCOPE = `(v.county_code like ? or exists (
  select 1 from supervisor_stations ss join stations s on s.id = ss.station_id
   where ss.supervisor_id = v.id and s.town_code like ?))`
