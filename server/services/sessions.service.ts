/**
 * Sessions as their owner sees them: listed (never with their token or its hash) and
 * revocable. An admin may list and revoke the sessions of users within its scope; anyone
 * else asking about another user's session gets 404, so existence is never revealed.
 */
import type { Knex } from 'knex'
import { can, type SessionUser } from '../auth/roles.js'
import { Forbidden, NotFound } from '../errors.js'
import * as users from '../repositories/users.repository.js'

export interface SessionView {
  id: string
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  userAgent: string | null
  ip: string | null
  current: boolean
}

/** The live sessions of the caller, or (an admin) of `username` within its scope. */
export async function listSessionsOf(knex: Knex, caller: SessionUser, currentId: string, username?: string): Promise<{ user: string; sessions: SessionView[] }> {
  let owner = caller
  if (username && username !== caller.username) {
    if (!can(caller.role, 'users:manage')) throw new Forbidden(`role ${caller.role} may list only its own sessions`, 'user')
    const found = await users.findUserInScope(knex, username, caller.scope)
    if (!found) throw new NotFound(`user ${username} does not exist within your scope`)
    owner = found
  }
  const rows = await users.listSessions(knex, owner.id)
  return {
    user: owner.username,
    sessions: rows.map((r) => ({
      id: r.id,
      createdAt: new Date(r.createdAt).toISOString(),
      lastSeenAt: new Date(r.lastSeenAt).toISOString(),
      expiresAt: new Date(r.expiresAt).toISOString(),
      userAgent: r.userAgent,
      ip: r.ip,
      current: r.id === currentId,
    })),
  }
}

/** Revokes a session of the caller (or, for an admin, of a user within its scope); 404 for any other. */
export async function revokeSession(knex: Knex, caller: SessionUser, id: string): Promise<void> {
  const deleted =
    (await users.deleteSessionById(knex, id, { userId: caller.id })) ||
    (can(caller.role, 'users:manage') && (await users.deleteSessionById(knex, id, { scope: caller.scope })))
  if (!deleted) throw new NotFound(`session ${id} does not exist or is not yours`)
}
