/** What a role may do in the UI (mirrors server/auth/roles.ts; the server enforces it). */
import { levelOf as codeLevel, type DivisionLevel } from '../../../geodata/codes'
import type { Role } from './types'

export const canDraftPlans = (role: Role) => role === 'admin' || role === 'bureau' || role === 'planner'
export const canApplyPlans = (role: Role) => role === 'admin' || role === 'bureau'
export const canReadAudit = (role: Role) => role === 'admin' || role === 'bureau'
/** Scores, inspections and training records: entered and read by name by the bureau (server: compliance:manage, training:read). */
export const canManageCompliance = (role: Role) => role === 'admin' || role === 'bureau'

export type LevelName = DivisionLevel
/** The level of a division code of the view (geodata/codes.ts); 'village' for anything else. */
export function levelOf(code: string): LevelName {
  const level = codeLevel(code)
  return level && level !== 'nation' ? level : 'village'
}
