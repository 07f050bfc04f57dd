/**
 * Typed domain errors, mapped once (server/http/problem.ts) to RFC 7807 problem JSON.
 * Services and routes throw these; anything else is an internal error (500, logged).
 */
/** A message in both languages of the UI; problem JSON carries it as `text` beside the English `detail`. */
export interface LocalText {
  zh: string
  en: string
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(detail)
    // `zh`: the detail in Chinese; the problem carries both as `text` for the UI.
    if (typeof extra.zh === 'string') {
      const { zh, ...rest } = extra
      this.extra = { ...rest, text: { zh, en: detail } satisfies LocalText }
    }
  }
}

/** The caller sent something malformed; `field` names the offending parameter. */
export class BadRequest extends HttpError {
  constructor(detail: string, field?: string, extra: Record<string, unknown> = {}) {
    super(400, 'Bad Request', detail, field ? { field, ...extra } : extra)
  }
}

export class NotFound extends HttpError {
  constructor(detail: string, zh?: string) {
    super(404, 'Not Found', detail, zh ? { zh } : {})
  }
}

/** The caller may not do this (its role, or a request refused by the CSRF defence). */
export class Forbidden extends HttpError {
  constructor(detail: string, field?: string) {
    super(403, 'Forbidden', detail, field ? { field } : {})
  }
}

/** `zh`: the detail in Chinese (problem JSON `text`), for a conflict the UI shows. */
export class Conflict extends HttpError {
  constructor(detail: string, extra: Record<string, unknown> = {}, zh?: string) {
    super(409, 'Conflict', detail, zh ? { ...extra, zh } : extra)
  }
}

/** The client accepts none of the media types the resource is available in (Accept). */
export class NotAcceptable extends HttpError {
  constructor(detail: string) {
    super(406, 'Not Acceptable', detail, { field: 'Accept' })
  }
}
