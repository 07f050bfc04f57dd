/**
 * Typed fetch helpers for the JSON API. Errors carry the server's RFC 7807 problem
 * (title, detail, field) and the HTTP status; a 401 on a data request means the session
 * ended, and the registered handler sends the user back to the sign-in page.
 */
import type { Problem } from './types'
import { pick } from './i18n.svelte'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    message: string,
  ) {
    super(message)
  }
  /** The server's message in the UI's language (`text`, where the server gives both), else its English detail. */
  get detail(): string {
    return pick(this.problem?.text) || (this.problem?.detail ?? this.message)
  }
  /** Extra members of the problem (e.g. `planStatus` of a 409). */
  member(name: string): unknown {
    return (this.problem as Record<string, unknown> | null)?.[name]
  }
}

/** What to tell the user about a failed request: the server's message in the UI's language, or the error's own. */
export function errorText(e: unknown): string {
  return e instanceof ApiError ? e.detail : e instanceof Error ? e.message : String(e)
}

let onUnauthorized: (() => void) | null = null
// The session's CSRF token: POST /api/login and GET /api/me answer it as `csrfToken`; every
// state-changing request sends it back in X-CSRF-Token (server/http/session.ts csrfGuard).
let csrfToken: string | null = null
/** Called when a request answers 401 (the session expired or was signed out elsewhere). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn
}

async function parse<T>(res: Response, path: string): Promise<T> {
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  if (res.ok && body && typeof body === 'object' && 'csrfToken' in body && typeof body.csrfToken === 'string') {
    csrfToken = body.csrfToken
  }
  if (!res.ok) {
    const problem = body && typeof body === 'object' && 'detail' in body ? (body as Problem) : null
    if (res.status === 401 && path !== '/api/login') onUnauthorized?.()
    throw new ApiError(res.status, problem, problem?.detail ?? `${res.status} ${res.statusText}`)
  }
  return body as T
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return parse<T>(await fetch(path, { credentials: 'same-origin', signal }), path)
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  return send<T>('POST', path, body)
}

/** PATCH a resource with a JSON body. */
export async function patchJson<T>(path: string, body: unknown): Promise<T> {
  return send<T>('PATCH', path, body)
}

/** DELETE a resource (answers 204: resolves to null). */
export async function deleteJson(path: string): Promise<null> {
  return send<null>('DELETE', path)
}

async function send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return parse<T>(res, path)
}

/**
 * A response the inline script of index.html started fetching before the bundle loaded
 * (/api/me, and the coverage of the division in the link), taken once; null when there is none.
 */
export function takePrefetched<T>(path: string): Promise<T> | null {
  const w = window as unknown as { __prefetch?: Record<string, Promise<Response>> }
  const res = w.__prefetch?.[path]
  if (!res) return null
  delete w.__prefetch![path]
  return res.then((r) => parse<T>(r, path))
}
