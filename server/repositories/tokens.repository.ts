/** API tokens (migration 0017): stored by the SHA-256 of the token, looked up with their owner on every request. */
import type { Knex } from 'knex'
import type { SessionUser } from '../auth/roles.js'

export interface TokenRow {
  id: string
  name: string
  createdAt: Date
  expiresAt: Date
  lastUsedAt: Date | null
}

const columns = ['id', 'name', 'created_at as createdAt', 'expires_at as expiresAt', 'last_used_at as lastUsedAt']

export async function insertToken(knex: Knex, t: { userId: number; name: string; tokenHash: string; expiresAt: Date }): Promise<TokenRow> {
  const [row] = await knex('api_tokens').insert({ user_id: t.userId, name: t.name, token_hash: t.tokenHash, expires_at: t.expiresAt }).returning(columns)
  return row
}

/** A user's tokens, newest first (expired ones too, marked by their expiry; never the hash). */
export async function listTokens(knex: Knex, userId: number): Promise<TokenRow[]> {
  return knex('api_tokens').select(columns).where('user_id', userId).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
}

/** Deletes a token of `userId`; answers its name, or null when the user has no such token. */
export async function deleteToken(knex: Knex, id: string, userId: number): Promise<string | null> {
  // `returning`, not the count: knex-pglite answers a delete with its result object, not a number.
  const rows = await knex('api_tokens').where({ id, user_id: userId }).del().returning('name')
  return rows.length ? (rows[0].name as string) : null
}

export interface LiveToken {
  user: SessionUser
  tokenId: string
  lastUsedAt: Date | null
}

/**
 * The owner of a live (unexpired, not revoked) token, as the owner is now: its role and
 * scope are read on every request, never cached, so a revoke, an expiry, a deleted user or
 * a changed scope takes effect on the next request.
 */
export async function findLiveToken(knex: Knex, tokenHash: string): Promise<LiveToken | null> {
  const row = await knex('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .select('u.id', 'u.username', 'u.role', 'u.scope_code as scope', 'u.supervisor_id as supervisorId', 't.id as tokenId', 't.last_used_at as lastUsedAt')
    .where('t.token_hash', tokenHash)
    .andWhere('t.expires_at', '>', knex.fn.now())
    .first()
  if (!row) return null
  const { tokenId, lastUsedAt, ...user } = row
  return { user: { ...user, id: Number(user.id) }, tokenId, lastUsedAt: lastUsedAt ? new Date(lastUsedAt) : null }
}

export async function touchToken(knex: Knex, id: string): Promise<void> {
  await knex('api_tokens').where({ id }).update({ last_used_at: knex.fn.now() })
}
