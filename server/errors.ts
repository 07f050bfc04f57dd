/**
 * Typed domain errors, mapped once (server/http/problem.ts) to RFC 7807 problem JSON.
 * Services and routes throw these; anything else is an internal error (500, logged).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail)
  }
}

/** The caller sent something malformed; `field` names the offending parameter. */
export class BadRequest extends HttpError {
  constructor(detail: string, field?: string, extra: Record<string, unknown> = {}) {
    super(400, 'Bad Request', detail, field ? { field, ...extra } : extra)
  }
}

export class NotFound extends HttpError {
  constructor(detail: string) {
    super(404, 'Not Found', detail)
  }
}

/** The caller may not do this (its role, or a request refused by the CSRF defence). */
export class Forbidden extends HttpError {
  constructor(detail: string, field?: string) {
    super(403, 'Forbidden', detail, field ? { field } : {})
  }
}

export class Conflict extends HttpError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(409, 'Conflict', detail, extra)
  }
}

/** The client accepts none of the media types the resource is available in (Accept). */
export class NotAcceptable extends HttpError {
  constructor(detail: string) {
    super(406, 'Not Acceptable', detail, { field: 'Accept' })
  }
}
