/**
 * Sign-in, sign-out and session lookup. Failed sign-ins are slowed down and locked, per
 * account name (known or not, so a 429 does not tell which accounts exist) and per client
 * address: every attempt is counted before the password is checked, in one statement, so
 * parallel attempts cannot slip past the lock; a right password takes its count back.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import { HttpError } from '../errors.js'
import { hashPassword, verifyPassword } from '../auth/password.js'
import type { SessionUser } from '../auth/roles.js'
import * as users from '../repositories/users.repository.js'
import type { ThrottlePolicy } from '../repositories/users.repository.js'

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000
const FAILURE_DELAY_MS = 250

/** An account name: 4 failures answer 401; the 5th locks it for 1 s, then 2 s, 4 s … up to 15 min. */
export const ACCOUNT_THROTTLE: ThrottlePolicy = { freeFailures: 4, firstLockSec: 1, maxLockSec: 15 * 60, windowSec: 24 * 60 * 60 }
/** A client address, over all names (a guess at many accounts): 20 failures in 15 min, then locked likewise. */
export const CLIENT_THROTTLE: ThrottlePolicy = { freeFailures: 20, firstLockSec: 1, maxLockSec: 15 * 60, windowSec: 15 * 60 }

export class Unauthorized extends HttpError {
  constructor(detail = 'sign in first (POST /api/login)') {
    super(401, 'Unauthorized', detail)
  }
}

export class TooManyAttempts extends HttpError {
  readonly retryAfterSec: number
  constructor(retryAfterSec: number, who: string) {
    const sec = Math.max(1, retryAfterSec)
    super(429, 'Too Many Requests', `too many failed sign-ins for ${who}; try again in ${sec} s`, { retryAfter: sec })
    this.retryAfterSec = sec
  }
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
// Verified against when the username does not exist, so timing does not reveal it.
const dummyHash = hashPassword('not-a-real-password')

/** Checks the credentials; on success creates a session and returns its token. */
export async function login(
  knex: Knex,
  username: string,
  password: string,
  opts: { client?: string; clientThrottle?: ThrottlePolicy; accountThrottle?: ThrottlePolicy } = {},
): Promise<{ token: string; user: SessionUser; expiresAt: Date }> {
  const accountKey = `account:${username}`
  const clientKey = opts.client ? `client:${opts.client}` : null
  const clientPolicy = opts.clientThrottle ?? CLIENT_THROTTLE
  if (clientKey && (await users.reserveLoginAttempt(knex, clientKey, clientPolicy)) === null) {
    throw new TooManyAttempts(await users.lockedForSec(knex, clientKey), 'this client')
  }
  if ((await users.reserveLoginAttempt(knex, accountKey, opts.accountThrottle ?? ACCOUNT_THROTTLE)) === null) {
    throw new TooManyAttempts(await users.lockedForSec(knex, accountKey), 'this account')
  }
  const user = await users.findUserByName(knex, username)
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash))
  if (!user || !ok) {
    await sleep(FAILURE_DELAY_MS)
    throw new Unauthorized('wrong username or password')
  }
  await users.clearLoginFailures(knex, accountKey)
  if (clientKey) await users.refundLoginAttempt(knex, clientKey, clientPolicy)
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

/** Deletes expired sessions and stale failure counts (run at start-up and periodically). */
export function pruneAuthState(knex: Knex): Promise<{ sessions: number; throttle: number }> {
  return users.pruneAuthState(knex, Math.max(ACCOUNT_THROTTLE.windowSec, CLIENT_THROTTLE.windowSec))
}
