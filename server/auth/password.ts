/**
 * Password hashing with scrypt (memory-hard, in node:crypto): N = 2^15, r = 8, p = 1
 * uses 32 MiB per hash and ~100 ms on this machine. Stored as
 * `scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>` so parameters can be raised later.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const LOG_N = 15
const R = 8
const P = 1
const KEY_LENGTH = 32

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** 20 }, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, LOG_N, R, P)
  return ['scrypt', LOG_N, R, P, salt.toString('base64'), key.toString('base64')].join('$')
}

/** True when `password` matches the stored hash (constant-time comparison). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, logN, r, p, salt, hash] = parts
  const expected = Buffer.from(hash, 'base64')
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(logN), Number(r), Number(p))
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** Password policy: 8-200 characters. Returns a problem text or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return 'password must have at least 8 characters'
  if (password.length > 200) return 'password must have at most 200 characters'
  return null
}
