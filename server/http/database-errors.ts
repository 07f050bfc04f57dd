/**
 * Database errors that are not the caller's bug: a lost connection (answered 503 with
 * Retry-After, after one retry of a read) and constraint violations caused by a concurrent
 * change (answered 409). Classified by SQLSTATE (pg and PGlite both set `code`) and by the
 * driver's own connection errors.
 */

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown: the backend was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
])

/** Whether `err` says the database connection was lost or could not be made. */
export function isConnectionError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown }
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true
  if (name === 'KnexTimeoutError') return true // no connection could be acquired in time
  return typeof message === 'string' && /Connection terminated|connection error|terminating connection|Client was closed/i.test(message)
}

/** A constraint violation or lock conflict from a concurrent change: [status, detail], or null. */
export function conflictOf(err: unknown): [409, string] | null {
  const code = (err as { code?: unknown } | null)?.code
  switch (code) {
    case '23503':
      return [409, 'the change refers to a row that a concurrent change removed or altered; reload and try again']
    case '23505':
      return [409, 'the change collides with a concurrent change (the row already exists); reload and try again']
    case '40001':
    case '40P01':
      return [409, 'the change collided with a concurrent change and was rolled back; try again']
    default:
      return null
  }
}
