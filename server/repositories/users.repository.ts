/** Users and sessions. */
import type { Knex } from 'knex'
import type { Role, SessionUser } from '../auth/roles.js'

export interface UserRow extends SessionUser {
  passwordHash: string
}

const userColumns = [
  'u.id',
  'u.username',
  'u.role',
  'u.scope_code as scope',
  'u.supervisor_id as supervisorId',
  'u.password_hash as passwordHash',
]

export async function findUserByName(knex: Knex, username: string): Promise<UserRow | null> {
  const row = await knex('users as u').select(userColumns).where('u.username', username).first()
  return row ? { ...row, id: Number(row.id) } : null
}

export async function listUsers(knex: Knex): Promise<Omit<UserRow, 'passwordHash'>[]> {
  const rows = await knex('users as u').select(userColumns.filter((c) => !c.includes('password'))).orderBy('u.username')
  return rows.map((r) => ({ ...r, id: Number(r.id) }))
}

export async function insertUser(
  knex: Knex,
  user: { username: string; passwordHash: string; role: Role; scope: string; supervisorId?: string | null },
): Promise<number> {
  const [row] = await knex('users')
    .insert({
      username: user.username,
      password_hash: user.passwordHash,
      role: user.role,
      scope_code: user.scope,
      supervisor_id: user.supervisorId ?? null,
    })
    .returning('id')
  return Number(row.id)
}

export async function deleteUser(knex: Knex, username: string): Promise<boolean> {
  return (await knex('users').where({ username }).del()) > 0
}

export async function setPasswordHash(knex: Knex, username: string, passwordHash: string): Promise<boolean> {
  const n = await knex('users').where({ username }).update({ password_hash: passwordHash })
  if (n > 0) {
    await knex('sessions').whereIn('user_id', knex('users').select('id').where({ username })).del()
    await clearLoginFailures(knex, `account:${username}`)
  }
  return n > 0
}

/** How failed sign-ins of one key are counted and locked (server/services/auth.service.ts). */
export interface ThrottlePolicy {
  /** Failures answered without a lock; the next one locks for 1 s, then 2 s, 4 s … */
  freeFailures: number
  /** The first lock (after the free failures); each further failure doubles it. */
  firstLockSec: number
  maxLockSec: number
  /** A failure longer ago than this no longer counts: counting starts again. */
  windowSec: number
}

/**
 * Counts a sign-in attempt of `key` as a failure before the password is checked, in one
 * statement: parallel attempts each see the count of the ones before them, so a burst
 * cannot slip past the lock. Locks once the count exceeds the free failures. Answers null
 * while the key is locked (the attempt is then not counted), else the count.
 */
export async function reserveLoginAttempt(knex: Knex, key: string, policy: ThrottlePolicy): Promise<number | null> {
  const count = `case when t.last_failure_at < now() - make_interval(secs => :windowSec) then 1 else t.failures + 1 end`
  const lock = (n: string) =>
    `case when ${n} > :free then now() + make_interval(secs => least(:maxLockSec, :firstLockSec * power(2, ${n} - :free - 1))) end`
  const { rows } = await knex.raw(
    `insert into login_throttle as t (key, failures, locked_until, last_failure_at)
     values (:key, 1, ${lock('1')}, now())
     on conflict (key) do update
        set failures = ${count}, locked_until = ${lock(count)}, last_failure_at = now()
      where t.locked_until is null or t.locked_until <= now()
     returning failures`,
    { key, free: policy.freeFailures, firstLockSec: policy.firstLockSec, maxLockSec: policy.maxLockSec, windowSec: policy.windowSec },
  )
  return rows.length ? Number(rows[0].failures) : null
}

/** Seconds until `key` is unlocked (at least 1 while locked), 0 when it is not. */
export async function lockedForSec(knex: Knex, key: string): Promise<number> {
  const { rows } = await knex.raw(
    `select ceil(extract(epoch from (locked_until - now())))::int as sec from login_throttle where key = ? and locked_until > now()`,
    [key],
  )
  return rows.length ? Math.max(1, Number(rows[0].sec)) : 0
}

/** Takes back a reserved attempt that turned out right (the failures before it still count). */
export async function refundLoginAttempt(knex: Knex, key: string, policy: ThrottlePolicy): Promise<void> {
  await knex.raw(
    `update login_throttle set failures = greatest(failures - 1, 0),
            locked_until = case when failures - 1 > :free then locked_until end
      where key = :key`,
    { key, free: policy.freeFailures },
  )
}

export async function clearLoginFailures(knex: Knex, key: string): Promise<void> {
  await knex('login_throttle').where({ key }).del()
}

/** Deletes expired sessions and failure counts older than `windowSec` that hold no lock. */
export async function pruneAuthState(knex: Knex, windowSec: number): Promise<{ sessions: number; throttle: number }> {
  const sessions = await knex('sessions').where('expires_at', '<=', knex.fn.now()).del()
  const throttle = await knex('login_throttle')
    .where('last_failure_at', '<', knex.raw('now() - make_interval(secs => ?)', [windowSec]))
    .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', knex.fn.now()))
    .del()
  return { sessions, throttle }
}

export async function insertSession(knex: Knex, tokenHash: string, userId: number, expiresAt: Date): Promise<void> {
  await knex('sessions').insert({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt })
}

/** The user of a live session, or null; expired sessions are ignored. */
export async function findSessionUser(knex: Knex, tokenHash: string): Promise<SessionUser | null> {
  const row = await knex('sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .select('u.id', 'u.username', 'u.role', 'u.scope_code as scope', 'u.supervisor_id as supervisorId')
    .where('s.token_hash', tokenHash)
    .andWhere('s.expires_at', '>', knex.fn.now())
    .first()
  return row ? { ...row, id: Number(row.id) } : null
}

export async function deleteSession(knex: Knex, tokenHash: string): Promise<void> {
  await knex('sessions').where({ token_hash: tokenHash }).del()
}
