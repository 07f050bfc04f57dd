/**
 * Requests for every operation of the OpenAPI document: valid values from its schemas
 * (and real codes and ids), then mutations. A state-changing operation always gets at
 * least one mutation that makes it certainly invalid (so it must be refused, and the
 * network tables must not change); reads get valid requests too.
 */
import fc from 'fast-check'
import { can, type Permission, type Role } from '../../server/auth/roles.js'
import type { BodySpec, FuzzCase } from './cases.js'
import { accepts, invalid, oddValue, valid, type JsonSchema } from './schema.js'
import type { Pools } from './world.js'

interface Param {
  name: string
  in: 'path' | 'query'
  required?: boolean
  schema: JsonSchema
}

export interface DocOp {
  method: string
  template: string
  params: Param[]
  body?: JsonSchema
  permission?: Permission
  public: boolean
}

/** The operations of an OpenAPI 3.0 document as the generator needs them. */
export function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): DocOp[] {
  const ops: DocOp[] = []
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content?.['application/json']?.schema
      const permission = /Permission: ([\w:]+)\./.exec(String(op.description ?? ''))?.[1] as Permission | undefined
      ops.push({ method: method.toUpperCase(), template, params: (op.parameters as Param[] | undefined) ?? [], body, permission, public: (op.security as unknown[]).length === 0 })
    }
  }
  return ops
}

/** Draft of a request while mutations apply. */
interface Draft {
  op: DocOp
  method: string
  as: Role | null
  csrf: 'token' | 'absent' | 'wrong'
  pathValues: Record<string, string>
  query: [string, string][]
  body?: BodySpec
  contentType?: string | null
  headers: [string, string][]
  /** Applied last to the built path. */
  pathTrick?: (path: string) => string
}

type Mutation = (d: Draft) => void

const ROLES: Role[] = ['admin', 'bureau', 'planner', 'supervisor', 'viewer']
const STATE_FREE = new Set(['/api/login', '/api/logout'])
/** Path parameters that name a row of the database. */
const REFERENCES = new Set(['code', 'id'])

/** Header values a client can send (latin-1, no control characters). */
const headerText = (max: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max })

/** encodeURIComponent that takes lone surrogates too (as U+FFFD, as a browser sends them). */
const uri = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))
const enc = (v: unknown) => uri(typeof v === 'string' ? v : JSON.stringify(v))

/** Real values by parameter or property name for an operation. */
function poolsFor(op: DocOp, pools: Pools): Record<string, fc.Arbitrary<unknown>> {
  const d = pools.divisions
  const pick = (xs: string[]) => (xs.length ? fc.constantFrom(...xs) : fc.constant('none'))
  // Small scopes mostly: a city's villages with polygons is a big answer.
  const division = fc.oneof(
    { weight: 1, arbitrary: pick([...d.province, ...d.city]) },
    { weight: 3, arbitrary: pick(d.county) },
    { weight: 6, arbitrary: pick(d.town) },
    { weight: 4, arbitrary: pick(d.village) },
  )
  const id = op.template.startsWith('/api/visit-plans/')
    ? pick(pools.visitPlans)
    : op.template.startsWith('/api/visits/')
      ? pick(pools.visits)
      : op.template.startsWith('/api/supervisors/')
        ? pick(pools.supervisors)
        : idOf(op, pools)
  return {
    within: division,
    code: op.template.startsWith('/api/villages/') ? pick(d.village) : division,
    id,
    stationId: pick(pools.stations),
    supervisorId: pick(pools.supervisors),
    month: fc.constantFrom('2026-02', '2026-03', '2026-12', '2027-01'),
    ...commonPools(pools, division),
  }
}

/** Ids of plans, jobs, workers and the rest by the operation's path. */
function idOf(op: DocOp, pools: Pools): fc.Arbitrary<unknown> {
  const pick = (xs: string[]) => (xs.length ? fc.constantFrom(...xs) : fc.constant('none'))
  return op.template.startsWith('/api/plans/')
    ? pick(pools.plans)
    : op.template.startsWith('/api/jobs/')
      ? pick(pools.jobs)
      : op.template.startsWith('/api/workers/')
        ? pick(pools.workers)
        : // Sessions, API tokens and compliance records: an id of the right shape naming none (a pool of another kind would never match the uuid schema, and fast-check's filter would loop forever).
          /^\/api\/(sessions|tokens|station-scores|inspections|training-records)\//.test(op.template)
          ? fc.uuid()
          : pick(pools.servicePoints)
}

/** Values of the other named parameters and properties. */
function commonPools(pools: Pools, division: fc.Arbitrary<string>): Record<string, fc.Arbitrary<unknown>> {
  const d = pools.divisions
  const pick = (xs: string[]) => (xs.length ? fc.constantFrom(...xs) : fc.constant('none'))
  return {
    to: fc.oneof(pick(pools.stations), pick(pools.servicePoints)),
    gridUnitId: pick(pools.gridUnits),
    stationId: pick(pools.stations),
    workerId: pick(pools.workers),
    villageCode: pick(d.village),
    // Never a demo user's name: its failures would lock the name the fuzz signs in with.
    username: fc.constantFrom('nobody', 'fuzz', 'root'),
    // Tiles: scopes of the demo, small zooms and numbers (most of them tiles that exist).
    scope: division,
    z: fc.integer({ min: 0, max: 14 }).map(String),
    x: fc.integer({ min: 0, max: 3 }).map(String),
    y: fc.integer({ min: 0, max: 3 }).map(String),
    // OGC API: real features and filters; small pages (a page of 10,000 village polygons is megabytes).
    featureId: fc.oneof(pick(d.village), pick(d.town), pick(d.county), pick(pools.stations), pick(pools.servicePoints), pick(pools.gridUnits)),
    city: pick(d.city),
    county: pick(d.county),
    town: pick(d.town),
    station: pick(pools.stations),
    gridUnit: pick(pools.gridUnits),
    limit: fc.integer({ min: 1, max: 200 }),
    bbox: fc.constantFrom('113.5,24.7,113.7,24.9', '24.7,113.5,24.9,113.7', '12640000,2840000,12660000,2860000', '113,24,114,25,0,10'),
  }
}

/** A value of the same shape that names nothing in the database. */
function unknownRef(schema: JsonSchema, known: Set<string>): fc.Arbitrary<string> {
  const shaped = (schema.format === 'uuid' ? fc.uuid() : fc.stringMatching(new RegExp(schema.pattern ?? '^zz-[a-z]{1,10}$'))) as fc.Arbitrary<string>
  return shaped.filter((v) => !known.has(v) && accepts(schema, v))
}

const MALFORMED_JSON = ['{', '{"', '{"a":', "{'to':'x'}", '[1,]', '{"a":1,}', 'nul', 'tru', '"unterminated', '{"a":1}}', '\u0000', '\ufeff{"a":1}', '{"a":NaN}', '{"a":1e99999}', '<xml/>', '--', '{"__proto__":']

const ODD_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=',
  'application/merge-patch+json',
  'application/JSON',
  'application/json;;',
  '',
  ';',
  'a'.repeat(3000),
]

const ODD_COOKIES = fc.oneof(
  fc.constantFrom('sb_session=%', 'sb_session=%E0%A4%A', 'sb_session="', 'sb_session="x"', 'sb_session=', 'sb_session', '=;=;;', 'sb_session=a; sb_session=b', 'sb_session=%00', '$Version=1; sb_session=x'),
  headerText(60).map((t) => `sb_session=${t}`),
  fc.integer({ min: 4000, max: 12000 }).map((n) => `sb_session=${'x'.repeat(n)}`),
  fc.integer({ min: 17000, max: 40000 }).map((n) => `a=${'y'.repeat(n)}`),
  fc.array(headerText(20), { minLength: 50, maxLength: 200 }).map((xs) => xs.map((x, i) => `c${i}=${x}`).join('; ')),
)

const ODD_HEADERS: fc.Arbitrary<[string, string][]> = fc.oneof(
  fc.constantFrom<[string, string][]>(
    [['Accept', 'text/html']],
    [['Accept', 'application/xml;q=0.9, */*;q=0']],
    [['Accept-Encoding', 'gzip, br, zstd']],
    [['X-Forwarded-For', 'not an address, 999.1.1.1']],
    [['X-Forwarded-Proto', 'https']],
    [['X-Forwarded-Host', 'evil.example']],
    [['If-None-Match', 'W/"1-x"']],
    [['If-None-Match', '*']],
    [['If-Modified-Since', 'yesterday']],
    [['Range', 'bytes=0-10']],
    [['Authorization', 'Bearer abc']],
    [['Sec-Fetch-Site', 'same-origin']],
    [['Sec-Fetch-Site', 'none']],
    [['Content-Type', 'application/json'], ['Content-Type', 'text/plain']],
    [['X-CSRF-Token', 'a'], ['X-CSRF-Token', 'b']],
    [['Expect', '100-continue']],
    [['Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.8'.repeat(50)]],
  ),
  fc.tuple(fc.stringMatching(/^X-[A-Za-z-]{1,30}$/), headerText(2000)).map(([k, v]) => [[k, v]] as [string, string][]),
)

const PATH_TRICKS: fc.Arbitrary<(path: string) => string> = fc.constantFrom(
  (p: string) => `${p}/`,
  (p: string) => p.replace(/^\/api/, '/API'),
  (p: string) => p.replace(/^\/api\//, '/api//'),
  (p: string) => `${p}%20`,
  (p: string) => `${p};x=1`,
  (p: string) => `${p}#frag`,
  (p: string) => `${p}/..`,
  (p: string) => `${p}/%2e%2e`,
  (p: string) => p.replace(/\/([^/]*)$/, '/%2e%2e/$1'),
  (p: string) => `/api/%2e%2e${p.slice(4)}`,
  (p: string) => `${p}%2F..%2F..`,
  (p: string) => `${p}/%E4%B8%AD%E6%96%87`,
  (p: string) => `${p}%00`,
  (p: string) => `${p}%`,
  (p: string) => `${p}%zz`,
)

/** Odd values for a path parameter: every code length, traversal, encoded slashes, unicode, long segments. */
const ODD_SEGMENTS: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 20 }).chain((n) => fc.stringMatching(new RegExp(`^\\d{${n}}$`))),
  fc.constantFrom('%2e%2e', '..', '.', '%2e', '44%2F..%2F4402', '..%2F..%2Fhealth', '%252e%252e', '%c0%ae%c0%ae', '4402%00', '%EF%BC%94%EF%BC%94', '%F0%9F%98%80', '4402%0A', '+44', '0x2C', '1e3', '-1', 'null', 'undefined'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(uri),
  fc.integer({ min: 200, max: 12000 }).map((n) => '4'.repeat(n)),
)

/** The arbitrary of requests for one operation. */
export function requestsFor(op: DocOp, pools: Pools): fc.Arbitrary<FuzzCase> {
  const named = poolsFor(op, pools)
  const stateChanging = op.method !== 'GET' && !STATE_FREE.has(op.template)
  const pathParams = op.params.filter((p) => p.in === 'path')
  const queryParams = op.params.filter((p) => p.in === 'query')
  const known = new Set<string>([
    ...Object.values(pools.divisions).flat(),
    ...pools.stations,
    ...pools.gridUnits,
    ...pools.servicePoints,
    ...pools.workers,
    ...pools.supervisors,
    ...pools.plans,
    ...pools.jobs,
  ])

  const base = fc.record({
    as: fc.oneof({ weight: 6, arbitrary: fc.constantFrom<Role | null>(...ROLES) }, { weight: 1, arbitrary: fc.constant<Role | null>(null) }),
    pathValues: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, valid(p.schema, named, p.name).map(String)]))),
    query: fc.tuple(
      ...queryParams.map((p) =>
        (p.required ? valid(p.schema, named, p.name).map((v) => [v]) : fc.option(valid(p.schema, named, p.name), { freq: 2 }).map((v) => (v === null ? [] : [v]))).map((vs) =>
          vs.map((v) => [p.name, String(v)] as [string, string]),
        ),
      ),
    ),
    body: op.body ? valid(op.body, named).map((json): BodySpec => ({ json })) : fc.constant(undefined),
  })

  const certain: fc.Arbitrary<Mutation>[] = []
  const neutral: fc.Arbitrary<Mutation>[] = []
  if (!op.public) {
    certain.push(
      fc.option(ODD_COOKIES).map((c) => (d: Draft) => {
        d.as = null
        if (c !== null) d.headers.push(['Cookie', c])
      }),
    )
  }
  if (op.method !== 'GET') {
    certain.push(fc.constantFrom<Draft['csrf']>('absent', 'wrong').map((csrf) => (d: Draft) => {
      d.as ??= 'admin'
      d.csrf = csrf
    }))
    certain.push(fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1.evil.example', 'file://', 'not a url').map((o) => (d: Draft) => void d.headers.push(['Origin', o])))
    certain.push(fc.constantFrom('cross-site', 'same-site').map((s) => (d: Draft) => void d.headers.push(['Sec-Fetch-Site', s])))
  }
  if (op.permission) {
    const lacking = ROLES.filter((r) => !can(r, op.permission!))
    if (lacking.length) certain.push(fc.constantFrom(...lacking).map((r) => (d: Draft) => void (d.as = r)))
  }
  for (const p of pathParams) {
    certain.push(invalid(p.schema, named).map(enc).filter((s) => !accepts(p.schema, decodeURIComponentSafe(s))).map((v) => (d: Draft) => void (d.pathValues[p.name] = v)))
    // Only a parameter naming a row (a code, an id) has values of its shape that name nothing; a tile number does not.
    if (REFERENCES.has(p.name)) certain.push(unknownRef(p.schema, known).map((v) => (d: Draft) => void (d.pathValues[p.name] = v)))
    neutral.push(ODD_SEGMENTS.map((v) => (d: Draft) => void (d.pathValues[p.name] = v)))
  }
  if (op.body) {
    const schema = op.body
    certain.push(invalid(schema, named).map((json) => (d: Draft) => void (d.body = { json })))
    if (schema.required?.length) certain.push(fc.constant((d: Draft) => void (d.body = undefined)))
    certain.push(fc.constantFrom(...MALFORMED_JSON).map((raw) => (d: Draft) => void (d.body = { raw })))
    certain.push(fc.integer({ min: 1_048_600, max: 3_000_000 }).map((n) => (d: Draft) => void (d.body = { oversize: n })))
    certain.push(fc.tuple(fc.integer({ min: 100, max: 60_000 }), fc.option(fc.constantFrom(...Object.keys(schema.properties ?? {}), 'extra'))).map(([n, under]) => (d: Draft) => void (d.body = { nested: n, ...(under ? { under } : {}) })))
    for (const [k, p] of Object.entries(schema.properties ?? {})) {
      if (!['to', 'gridUnitId', 'villageCode', 'within'].includes(k)) continue
      certain.push(unknownRef(p, known).map((v) => (d: Draft) => {
        if (d.body && 'json' in d.body && d.body.json && typeof d.body.json === 'object') d.body = { json: { ...(d.body.json as object), [k]: v } }
      }))
    }
    neutral.push(fc.constantFrom(...ODD_TYPES).map((t) => (d: Draft) => void (d.contentType = t)))
    neutral.push(fc.constant((d: Draft) => void (d.contentType = null)))
    // body-parser inflates gzip, deflate and br; these bodies are not compressed, or claim an unknown coding.
    neutral.push(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'x-zip', 'gzip, gzip').map((e) => (d: Draft) => void d.headers.push(['Content-Encoding', e])))
  } else if (op.method !== 'GET') {
    // A body the operation does not take.
    neutral.push(oddValue.map((json) => (d: Draft) => void (d.body = { json })))
    neutral.push(fc.constantFrom(...MALFORMED_JSON).map((raw) => (d: Draft) => void (d.body = { raw })))
  }
  if (queryParams.length) {
    certain.push(fc.tuple(fc.constantFrom('extra', 'within ', 'Within', 'within[]', '__proto__', ''), fc.string()).map(([k, v]) => (d: Draft) => void d.query.push([k, v])))
    for (const p of queryParams) {
      // A query value is a string; the number parameters coerce it (z.coerce.number).
      const refused = (s: string) => !accepts(p.schema, s) && (p.schema.type !== 'number' || !accepts(p.schema, Number(s)))
      certain.push(
        invalid(p.schema, named)
          .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
          .filter(refused)
          .map((v) => (d: Draft) => {
            d.query = d.query.filter(([k]) => k !== p.name)
            d.query.push([p.name, v])
          }),
      )
      neutral.push(fc.constant((d: Draft) => void d.query.push(...d.query.filter(([k]) => k === p.name))))
    }
  } else {
    neutral.push(fc.tuple(fc.constantFrom('within', 'x', 'a[b]', '__proto__'), fc.string()).map(([k, v]) => (d: Draft) => void d.query.push([k, v])))
  }
  neutral.push(ODD_HEADERS.map((hs) => (d: Draft) => void d.headers.push(...hs)))
  // Never the host of a foreign Origin below (nor empty, the host of file://): those would pass the Origin check by design.
  neutral.push(fc.constantFrom('127.0.0.1', 'localhost:1', 'LOCALHOST', '[::1]:80').map((h) => (d: Draft) => void d.headers.push(['Host', h])))
  neutral.push(PATH_TRICKS.map((t) => (d: Draft) => void (d.pathTrick = t)))
  if (op.method === 'GET') neutral.push(fc.constantFrom('HEAD', 'OPTIONS').map((m) => (d: Draft) => void (d.method = m)))

  const certainArb = stateChanging
    ? fc.array(fc.oneof(...certain), { minLength: 1, maxLength: 2 })
    : certain.length
      ? fc.oneof({ weight: 1, arbitrary: fc.constant([] as Mutation[]) }, { weight: 1, arbitrary: fc.array(fc.oneof(...certain), { minLength: 1, maxLength: 2 }) })
      : fc.constant([] as Mutation[])
  const neutralArb = fc.oneof({ weight: 1, arbitrary: fc.constant([] as Mutation[]) }, { weight: 2, arbitrary: fc.array(fc.oneof(...neutral), { minLength: 1, maxLength: 2 }) })

  return fc.tuple(base, neutralArb, certainArb).map(([b, neutralMuts, certainMuts]) => {
    const d: Draft = { op, method: op.method, as: b.as, csrf: 'token', pathValues: { ...b.pathValues }, query: b.query.flat(), body: b.body, headers: [] }
    // Valid values go through encodeURIComponent; mutations set path values already encoded.
    for (const k of Object.keys(d.pathValues)) d.pathValues[k] = uri(d.pathValues[k])
    for (const m of neutralMuts) m(d)
    for (const m of certainMuts) m(d)
    // A mutation that made no session has no CSRF token to send.
    if (!d.as) d.csrf = 'token'
    return build(d, stateChanging || certainMuts.length > 0)
  })
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function build(d: Draft, mustReject: boolean): FuzzCase {
  let path = d.op.template.replace(/\{(\w+)\}/g, (_m, name: string) => d.pathValues[name] ?? '')
  if (d.pathTrick) path = d.pathTrick(path)
  // A fragment a trick adds ends the URL: the query goes before it (after it, it would be no query at all).
  const hash = path.indexOf('#')
  const fragment = hash < 0 ? '' : path.slice(hash)
  if (hash >= 0) path = path.slice(0, hash)
  if (d.query.length) path += (path.includes('?') ? '&' : '?') + d.query.map(([k, v]) => `${uri(k)}=${uri(v)}`).join('&')
  path += fragment
  // Another method is another request (OPTIONS is answered by Express itself).
  const c: FuzzCase = { op: `${d.op.method} ${d.op.template}`, method: d.method, path, expect: mustReject && d.method === d.op.method ? '4xx' : 'any' }
  if (d.as) c.as = d.as
  if (d.as && d.csrf !== 'token') c.csrf = d.csrf
  if (d.headers.length) c.headers = d.headers
  if (d.body) c.body = d.body
  if (d.contentType !== undefined) c.contentType = d.contentType
  return c
}

/** Requests to no endpoint: random methods and paths under /api. */
export const strayRequests: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'),
    fc.array(fc.oneof(fc.stringMatching(/^[a-z-]{1,12}$/), ODD_SEGMENTS), { minLength: 0, maxLength: 4 }),
    fc.option(fc.constantFrom<Role>(...ROLES)),
  )
  .map(([method, segs, as]) => ({ method, path: `/api/${segs.join('/')}`, ...(as ? { as } : {}), expect: 'any' }))

/** Requests for every operation of the document, and some for none. */
export function allRequests(ops: DocOp[], pools: Pools): fc.Arbitrary<FuzzCase> {
  return fc.oneof({ weight: 12 * ops.length, arbitrary: fc.oneof(...ops.map((op) => requestsFor(op, pools))) }, { weight: ops.length, arbitrary: strayRequests })
}
