/**
 * Personal read-only API tokens for GIS clients (README "OGC API and tokens"). A token is
 * shown once, when created; the database keeps its SHA-256 (migration 0017 says why that
 * suffices for 256 random bits). It authenticates as its owner, scoped like the owner, on
 * the OGC API and the tiles only, for reads only (server/http/session.ts decides where).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import type { SessionUser } from '../auth/roles.js'
import { NotFound } from '../errors.js'
import { audit } from '../repositories/audit.repository.js'
import * as tokens from '../repositories/tokens.repository.js'

/** A token lives this many days unless `expiresInDays` says otherwise, and at most TOKEN_MAX_DAYS. */
export const TOKEN_DEFAULT_DAYS = 90
export const TOKEN_MAX_DAYS = 365
/** Every token starts with this, so a leaked one is recognisable (e.g. by secret scanners). */
export const TOKEN_PREFIX = 'sbt_'
const TOKEN_PATTERN = /^sbt_[A-Za-z0-9_-]{43}$/

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex')
const DAY_MS = 24 * 60 * 60 * 1000
/** How often a token's "last used" time is written (not on every tile request). */
const TOUCH_EVERY_MS = 60 * 1000

export interface TokenView {
  id: string
  name: string
  createdAt: string
  expiresAt: string
  lastUsedAt: string | null
  expired: boolean
}

const view = (r: tokens.TokenRow): TokenView => ({
  id: r.id,
  name: r.name,
  createdAt: new Date(r.createdAt).toISOString(),
  expiresAt: new Date(r.expiresAt).toISOString(),
  lastUsedAt: r.lastUsedAt ? new Date(r.lastUsedAt).toISOString() : null,
  expired: new Date(r.expiresAt).getTime() <= Date.now(),
})

/** Creates a token of the caller (audited); answers it with the secret, which is never shown again. */
export async function createToken(knex: Knex, user: SessionUser, input: { name: string; expiresInDays?: number }): Promise<TokenView & { token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  const expiresAt = new Date(Date.now() + (input.expiresInDays ?? TOKEN_DEFAULT_DAYS) * DAY_MS)
  const row = await knex.transaction(async (trx) => {
    const row = await tokens.insertToken(trx, { userId: user.id, name: input.name, tokenHash: sha256(token), expiresAt })
    await audit(trx, { actor: user.username, action: 'token.create', entity: 'api_token', entityId: row.id, scope: user.scope || null, details: { name: input.name, expiresAt: expiresAt.toISOString() } })
    return row
  })
  return { ...view(row), token }
}

export async function listTokensOf(knex: Knex, user: SessionUser): Promise<{ tokens: TokenView[] }> {
  return { tokens: (await tokens.listTokens(knex, user.id)).map(view) }
}

/** Revokes a token of the caller (audited); any other id is a 404, whether it exists or not. */
export async function revokeToken(knex: Knex, user: SessionUser, id: string): Promise<void> {
  await knex.transaction(async (trx) => {
    const name = await tokens.deleteToken(trx, id, user.id)
    if (name === null) throw new NotFound(`token ${id} does not exist or is not yours`)
    await audit(trx, { actor: user.username, action: 'token.revoke', entity: 'api_token', entityId: id, scope: user.scope || null, details: { name } })
  })
}

/**
 * The owner of a live token, or null (malformed, unknown, revoked, expired, or its owner
 * deleted). With HTTP Basic the user name must be the owner's.
 */
export async function tokenUser(knex: Knex, token: string, username?: string): Promise<{ user: SessionUser; tokenId: string } | null> {
  if (!TOKEN_PATTERN.test(token)) return null
  const live = await tokens.findLiveToken(knex, sha256(token))
  if (!live || (username !== undefined && username !== live.user.username)) return null
  if (!live.lastUsedAt || Date.now() - live.lastUsedAt.getTime() > TOUCH_EVERY_MS) await tokens.touchToken(knex, live.tokenId)
  return { user: live.user, tokenId: live.tokenId }
}
