/** The one place errors become HTTP answers: RFC 7807 problem JSON. */
import type { ErrorRequestHandler, RequestHandler } from 'express'
import { HttpError } from '../errors.js'

const send = (res: Parameters<RequestHandler>[1], status: number, title: string, detail: string, extra = {}) =>
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }))

/** 404 for any /api path no route answered. */
export const notFoundHandler: RequestHandler = (req, res) =>
  send(res, 404, 'Not Found', `no such endpoint: ${req.method} ${req.path}`)

/** Maps typed errors to their status; body-parser errors to 400/413; anything else to 500. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof HttpError) return send(res, err.status, err.title, err.message, err.extra)
  const status = (err as { status?: number; type?: string }).status
  if (status && status >= 400 && status < 500) {
    const detail = (err as { type?: string }).type === 'entity.too.large' ? 'request body too large' : 'malformed request body'
    return send(res, status, status === 413 ? 'Payload Too Large' : 'Bad Request', detail)
  }
  console.error(`[error] ${req.method} ${req.originalUrl}`, err)
  return send(res, 500, 'Internal Server Error', 'an unexpected error occurred; it has been logged')
}
