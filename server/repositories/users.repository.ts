/** Users and sessions. */
import type { Knex } from 'knex'
import type { Role, SessionUser } from '../auth/roles.js'

export interface UserRow extends SessionUser {
  passwordHash: string
  failedLogins: number
  lockedUntil: Date | null
}

const userColumns = [
  'u.id',
  'u.username',
  'u.role',
  'u.scope_code as scope',
  'u.supervisor_id as supervisorId',
  'u.password_hash as passwordHash',
  'u.failed_logins as failedLogins',
  'u.locked_until as lockedUntil',
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
  const n = await knex('users').where({ username }).update({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
  if (n > 0) await knex('sessions').whereIn('user_id', knex('users').select('id').where({ username })).del()
  return n > 0
}

/** Records a failed sign-in; locks the account until `lockedUntil` when given. */
export async function recordFailedLogin(knex: Knex, id: number, lockedUntil: Date | null): Promise<void> {
  await knex('users')
    .where({ id })
    .update({ failed_logins: knex.raw('failed_logins + 1'), locked_until: lockedUntil })
}

export async function resetFailedLogins(knex: Knex, id: number): Promise<void> {
  await knex('users').where({ id }).update({ failed_logins: 0, locked_until: null })
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

export async function deleteExpiredSessions(knex: Knex): Promise<number> {
  return knex('sessions').where('expires_at', '<=', knex.fn.now()).del()
}
