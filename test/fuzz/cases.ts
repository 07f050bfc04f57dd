/**
 * A fuzz request as data: what the generator makes, what a failure prints and what
 * test/fuzz/cases/*.json keep (replayed by the fuzz tier and by test/db/fuzz-cases.test.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Role } from '../../server/auth/roles.js'
import { checkResponse } from '../contract.js'
import type { RawReply, RawRequest } from './http.js'

export type BodySpec =
  | { json: unknown }
  /** Sent as written (malformed JSON, form data …). */
  | { raw: string }
  /** A JSON object with a string member of this many bytes (beyond the 1 MB limit when > 1,048,576). */
  | { oversize: number }
  /** `[[[…]]]` nested this deep, or under a key when `under` is given. */
  | { nested: number; under?: string }

export interface FuzzCase {
  name?: string
  note?: string
  method: string
  /** Sent byte for byte (percent-encode anything beyond ASCII). */
  path: string
  /** The demo user whose session cookie is sent; null or absent: none. */
  as?: Role | null
  /** With a session: send its X-CSRF-Token (`token`), none, or a wrong one. Default `token`. */
  csrf?: 'token' | 'absent' | 'wrong'
  /** Extra headers in order (a name may repeat); `HUGE:<n>` in a value stands for n × 'y'. */
  headers?: [string, string][]
  body?: BodySpec
  /** Content-Type of the body; default application/json when there is a body, null: none. */
  contentType?: string | null
  /** The operation it was generated for (`GET /api/divisions/{code}`), for reports. */
  op?: string
  /** `4xx`: the request is invalid and must be refused; `any`: anything but a 5xx. */
  expect: '4xx' | 'any'
}

export interface Session {
  cookie: string
  csrfToken: string
}

/** The bytes of a body spec. */
export function bodyBytes(body: BodySpec): Buffer {
  if ('json' in body) return Buffer.from(JSON.stringify(body.json))
  if ('raw' in body) return Buffer.from(body.raw)
  if ('oversize' in body) return Buffer.from(`{"username":"${'a'.repeat(body.oversize)}","password":"x"}`)
  const deep = '['.repeat(body.nested) + ']'.repeat(body.nested)
  return Buffer.from(body.under ? `{"${body.under}":${deep}}` : deep)
}

/** The raw request of a case, with the session of `as` from `sessions`. */
export function toRawRequest(c: FuzzCase, sessions: Partial<Record<Role, Session>>): RawRequest {
  const headers: [string, string][] = []
  const session = c.as ? sessions[c.as] : undefined
  if (c.as && !session) throw new Error(`no session for role ${c.as}`)
  if (session) {
    headers.push(['Cookie', session.cookie])
    const csrf = c.csrf ?? 'token'
    if (csrf === 'token') headers.push(['X-CSRF-Token', session.csrfToken])
    if (csrf === 'wrong') headers.push(['X-CSRF-Token', session.csrfToken.slice(1) + 'A'])
  }
  let body: Buffer | undefined
  if (c.body) {
    body = bodyBytes(c.body)
    const type = c.contentType === undefined ? 'application/json' : c.contentType
    if (type !== null) headers.push(['Content-Type', type])
  }
  // `HUGE:<n>` in a kept case stands for n × 'y' (a file holds no 20 KB cookie readably).
  headers.push(...(c.headers ?? []).map(([k, v]): [string, string] => [k, v.replace(/HUGE:(\d+)/g, (_m, n: string) => 'y'.repeat(Number(n)))]))
  return { method: c.method, path: c.path, headers, body }
}

/** The invariants every answer must keep; answers the broken ones (empty: all held). */
export function violations(c: FuzzCase, req: RawRequest, reply: RawReply): string[] {
  const out: string[] = []
  const { status } = reply
  const type = String(reply.headers['content-type'] ?? '')
  const text = reply.body.toString('utf8')
  if (status >= 500) out.push(`answered ${status}: ${text.slice(0, 300)}`)
  if (c.expect === '4xx' && (status < 400 || status >= 500)) out.push(`an invalid request was not refused: ${status}`)
  if (/node_modules|\bat \S+ \(|\.ts:\d+:\d+/.test(text)) out.push('the answer holds a stack trace or source path')
  const underApi = /^\/api(\/|$|\?)/i.test(req.path)
  const headOnly = req.method === 'HEAD'
  if (underApi && status >= 400 && status < 500) {
    if (!type.startsWith('application/problem+json')) out.push(`a ${status} that is not problem JSON (${type || 'no content type'})`)
    else if (!headOnly) {
      let problem: Record<string, unknown> | null = null
      try {
        problem = JSON.parse(text)
      } catch {
        out.push(`a ${status} problem that is not JSON`)
      }
      if (problem) {
        if (problem.status !== status || typeof problem.title !== 'string' || typeof problem.detail !== 'string') out.push(`a malformed problem: ${text.slice(0, 200)}`)
        if (status === 400 && (typeof problem.field !== 'string' || !problem.field)) out.push(`a 400 that names no field: ${text.slice(0, 200)}`)
      }
    }
  }
  if (!headOnly) {
    let body: unknown = null
    if (text) {
      try {
        body = JSON.parse(text)
      } catch {
        body = text
      }
    }
    try {
      checkResponse(req.method, req.path, status, type, body)
    } catch (err) {
      out.push((err as Error).message)
    }
  }
  return out
}

export const CASES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases')

/** The kept cases: test/fuzz/cases/*.json, each one case or a list. */
export function keptCases(): { file: string; case: FuzzCase }[] {
  const out: { file: string; case: FuzzCase }[] = []
  for (const file of fs.readdirSync(CASES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(fs.readFileSync(path.join(CASES_DIR, file), 'utf8')) as FuzzCase | FuzzCase[]
    for (const c of Array.isArray(data) ? data : [data]) out.push({ file, case: c })
  }
  return out
}
