/** What a role may do in the UI (mirrors server/auth/roles.ts; the server enforces it). */
import type { Role } from './types'

export const canDraftPlans = (role: Role) => role === 'admin' || role === 'bureau' || role === 'planner'
export const canApplyPlans = (role: Role) => role === 'admin' || role === 'bureau'

export type LevelName = 'province' | 'city' | 'county' | 'town' | 'village'
export function levelOf(code: string): LevelName {
  return ({ 2: 'province', 4: 'city', 6: 'county', 9: 'town', 12: 'village' } as Record<number, LevelName>)[code.length] ?? 'village'
}
