/**
 * Sign-in, sign-out and session lookup. Failed sign-ins are slowed down: every failure
 * costs a fixed delay, and from the 5th consecutive failure the account is locked for
 * 2^(n-5) seconds (capped at 15 minutes), answered with 429 and Retry-After.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import { HttpError } from '../errors.js'
import { hashPassword, verifyPassword } from '../auth/password.js'
import type { SessionUser } from '../auth/roles.js'
import * as users from '../repositories/users.repository.js'

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000
const FREE_FAILURES = 4
const MAX_LOCK_MS = 15 * 60 * 1000
const FAILURE_DELAY_MS = 250

export class Unauthorized extends HttpError {
  constructor(detail = 'sign in first (POST /api/login)') {
    super(401, 'Unauthorized', detail)
  }
}

export class TooManyAttempts extends HttpError {
  constructor(readonly retryAfterSec: number) {
    super(429, 'Too Many Requests', `too many failed sign-ins; try again in ${retryAfterSec} s`, { retryAfter: retryAfterSec })
  }
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
// Verified against when the username does not exist, so timing does not reveal it.
const dummyHash = hashPassword('not-a-real-password')

/** Checks the credentials; on success creates a session and returns its token. */
export async function login(knex: Knex, username: string, password: string): Promise<{ token: string; user: SessionUser; expiresAt: Date }> {
  const user = await users.findUserByName(knex, username)
  if (user?.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    throw new TooManyAttempts(Math.ceil((user.lockedUntil.getTime() - Date.now()) / 1000))
  }
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash))
  if (!user || !ok) {
    if (user) {
      const failures = user.failedLogins + 1
      const lock = failures > FREE_FAILURES ? new Date(Date.now() + Math.min(MAX_LOCK_MS, 1000 * 2 ** (failures - FREE_FAILURES - 1))) : null
      await users.recordFailedLogin(knex, user.id, lock)
    }
    await sleep(FAILURE_DELAY_MS)
    throw new Unauthorized('wrong username or password')
  }
  await users.resetFailedLogins(knex, user.id)
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS)
  await users.insertSession(knex, sha256(token), user.id, expiresAt)
  const { id, role, scope, supervisorId } = user
  return { token, expiresAt, user: { id, username: user.username, role, scope, supervisorId } }
}

/** The user of a session token, or null. */
export async function sessionUser(knex: Knex, token: string): Promise<SessionUser | null> {
  return users.findSessionUser(knex, sha256(token))
}

export async function logout(knex: Knex, token: string): Promise<void> {
  await users.deleteSession(knex, sha256(token))
}
