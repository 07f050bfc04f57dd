/** Input validation at the edge: zod schemas, failures → 400 naming the field. */
import type { z } from 'zod'
import { BadRequest, HttpError } from '../errors.js'

/**
 * What `req.body` holds when a request came with a body in another media type than JSON
 * (server/app.ts): parsing it as a body answers 415, after the session and CSRF checks.
 */
export const UNREAD_BODY: Readonly<Record<string, never>> = Object.freeze({})

/** Parses `value` with `schema`; on failure throws a 400 naming the first offending field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'path'): z.infer<T> {
  if (where === 'body' && value === UNREAD_BODY) {
    throw new HttpError(415, 'Unsupported Media Type', 'send the request body as application/json', { field: 'body' })
  }
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  let field = issue.path.join('.')
  if (issue.code === 'unrecognized_keys') field = issue.keys.map((k) => [...issue.path, k].join('.')).join(', ')
  const detail = issue.code === 'unrecognized_keys'
    ? `unknown ${where} parameter ${field}`
    : issue.code === 'invalid_type' && issue.input === undefined
      ? `${where} parameter ${field} is required`
      : `${where} parameter ${field}: ${issue.message}`
  // An issue of the whole input (a body that is no object, a key with no name) names its place.
  throw new BadRequest(detail, field || where, { in: where })
}

