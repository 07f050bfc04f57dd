import { isWithin } from '../../geodata/codes.js'

/**
 * Roles and what each may do. A user is scoped to a division code: every read and
 * write is limited to divisions whose code starts with it.
 */
export const ROLES = ['admin', 'bureau', 'planner', 'supervisor', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/**
 * `compliance:manage`: enter station scores, inspections and training records (the bureau's
 * supervision records). `training:read`: see workers' training by name (personal data; others
 * see the compliance report's training section as counts only).
 */
export type Permission =
  | 'read'
  | 'plan:draft'
  | 'plan:apply'
  | 'network:edit'
  | 'visits:manage'
  | 'users:manage'
  | 'audit:read'
  | 'calendar:manage'
  | 'compliance:manage'
  | 'training:read'

const PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'plan:draft', 'plan:apply', 'network:edit', 'visits:manage', 'users:manage', 'audit:read', 'calendar:manage', 'compliance:manage', 'training:read'],
  bureau: ['read', 'plan:draft', 'plan:apply', 'network:edit', 'audit:read', 'compliance:manage', 'training:read'],
  planner: ['read', 'plan:draft', 'network:edit'],
  supervisor: ['read', 'visits:manage'],
  viewer: ['read'],
}

export function can(role: Role, permission: Permission): boolean {
  return PERMISSIONS[role].includes(permission)
}

export interface SessionUser {
  id: number
  username: string
  role: Role
  /** Division code the user is limited to ('44' = all of Guangdong). */
  scope: string
  supervisorId: string | null
}

/** Whether a division code (or a scope) lies within the user's scope. */
export function inScope(user: SessionUser, code: string): boolean {
  return isWithin(code, user.scope)
}
