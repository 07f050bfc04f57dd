/** Scope filtering by division code: a child's code starts with its parent's code. */

/** The LIKE pattern matching every code at or below `code` (codes are digits only). */
export function under(code: string): string {
  if (!/^\d+$/.test(code)) throw new Error(`invalid division code ${code}`)
  return `${code}%`
}

/**
 * SQL condition on supervisors (alias `v`): based in the scope, or covering one of its
 * stations. It binds the scope's LIKE pattern twice.
 */
export const SUPERVISOR_IN_SCOPE = `(v.county_code like ? or exists (
  select 1 from supervisor_stations ss join stations s on s.id = ss.station_id
   where ss.supervisor_id = v.id and s.town_code like ?))`

/** Code length of each level, and of the children of a level. */
export const CODE_LENGTH = { city: 4, county: 6, town: 9, village: 12 } as const
export const CHILD_LEVEL = { city: 'county', county: 'town', town: 'village', village: null } as const
