/** The one place errors become HTTP answers: RFC 7807 problem JSON. */
import { STATUS_CODES } from 'node:http'
import type { ErrorRequestHandler, RequestHandler } from 'express'
import { HttpError } from '../errors.js'
import { conflictOf, isConnectionError } from './database-errors.js'

const send = (res: Parameters<RequestHandler>[1], status: number, title: string, detail: string, extra = {}) =>
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }))

/** 404 for any /api path no route answered. */
export const notFoundHandler: RequestHandler = (req, res) =>
  send(res, 404, 'Not Found', `no such endpoint: ${req.method} ${req.path}`)

const BODY_ERRORS: Record<string, string> = {
  'entity.too.large': 'request body too large (1 MB at most)',
  'entity.parse.failed': 'malformed request body: not JSON',
  'charset.unsupported': 'request body in an unsupported charset: send UTF-8',
  'encoding.unsupported': 'request body in an unsupported Content-Encoding',
}

const RETRYABLE_METHODS = new Set(['GET', 'HEAD'])

/**
 * Maps typed errors to their status; body-parser errors to 400/413/415 naming the field `body`; a lost database
 * connection to one retry of a read, else 503 with Retry-After; a constraint violation of
 * a concurrent change to 409; anything else to 500.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (err instanceof HttpError) return send(res, err.status, err.title, err.message, err.extra)
  if (isConnectionError(err)) {
    if (RETRYABLE_METHODS.has(req.method) && !res.headersSent && !res.locals.retriedAfterConnectionError) {
      // A pooled connection died under this read: run the request once more on a fresh one.
      res.locals.retriedAfterConnectionError = true
      return (req.app as unknown as { handle: (rq: typeof req, rs: typeof res, cb: typeof next) => void }).handle(req, res, next)
    }
    console.warn(`[warn] ${req.method} ${req.originalUrl}: database unavailable (${(err as Error).message})`)
    res.set('Retry-After', '1')
    return send(res, 503, 'Service Unavailable', 'the database is unavailable for a moment; try again')
  }
  const conflict = conflictOf(err)
  if (conflict) return send(res, conflict[0], 'Conflict', conflict[1])
  const status = (err as { status?: number; type?: string }).status
  if (status && status >= 400 && status < 500) {
    // body-parser: malformed JSON (400), too large (413), a charset or encoding it cannot read (415).
    const detail = BODY_ERRORS[(err as { type?: string }).type ?? ''] ?? 'malformed request body'
    return send(res, status, STATUS_CODES[status] ?? 'Bad Request', detail, { field: 'body', in: 'body' })
  }
  console.error(`[error] ${req.method} ${req.originalUrl}`, err)
  return send(res, 500, 'Internal Server Error', 'an unexpected error occurred; it has been logged')
}
