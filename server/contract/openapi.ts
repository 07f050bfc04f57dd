/**
 * The OpenAPI 3.0 document, generated from the operations table (operations.ts) and its
 * zod schemas by @asteasolutions/zod-to-openapi. 3.0, not 3.1: OGC API clients and most
 * validators parse 3.0 only. The answers every operation can give (401, 403, 503 …) are
 * added here, once.
 */
import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig } from '@asteasolutions/zod-to-openapi'
import * as S from './responses.js'
import { OPERATIONS, type Operation, type ResponseSpec } from './operations.js'
import { OGC_LIMIT_DEFAULT, OGC_LIMIT_MAX } from './ogc.js'

const SAFE = new Set(['get'])

/** The answers of an operation: its own and the common ones (an own answer wins). */
export function responsesOf(op: Operation): Record<number, ResponseSpec> {
  const problem = (description: string): ResponseSpec => ({ description, schema: S.Problem, type: 'application/problem+json' })
  const common: Record<number, ResponseSpec> = {
    500: problem('an unexpected error (logged; no internals in the answer)'),
    503: problem('the database is unavailable for a moment; see Retry-After'),
    431: problem('request headers too large (16 KB at most), e.g. a huge cookie'),
  }
  if (!op.public) common[401] = problem('no session, or it expired')
  if (op.permission || !SAFE.has(op.method)) common[403] = problem("the role lacks the permission, or a state-changing request without the session's X-CSRF-Token or from another origin")
  const takesBody = !SAFE.has(op.method)
  if (op.params || op.query || takesBody) common[400] = problem('a parameter is malformed or unknown, or the body is not JSON; `field` names it (`body` for the body as a whole)')
  if (takesBody) {
    common[413] = problem('request body too large (1 MB)')
    common[415] = problem('a request body that is not application/json, in a charset other than UTF-8, or in an unsupported Content-Encoding')
  }
  // Express answers any conditional GET that matches (If-None-Match: * included) with 304.
  if (SAFE.has(op.method)) common[304] = { description: op.cached ? 'Not modified since the ETag given in If-None-Match' : 'Not modified (a conditional request matched)' }
  return { ...common, ...op.responses }
}

function responseConfig(spec: ResponseSpec): ResponseConfig {
  if (!spec.schema) return { description: spec.description }
  const types = [spec.type ?? 'application/json', ...(spec.alsoTypes ?? [])]
  return { description: spec.description, content: Object.fromEntries(types.map((t) => [t, { schema: spec.schema! }])) }
}

/** Who may call an operation: no one needed, the session (with the CSRF token for writes), or also an API token. */
function securityOf(op: Operation): Record<string, string[]>[] {
  if (op.public) return []
  if (!SAFE.has(op.method)) return [{ session: [], csrf: [] }]
  return op.tokens ? [{ session: [] }, { bearer: [] }, { basic: [] }] : [{ session: [] }]
}

function register(registry: OpenAPIRegistry, ops: Operation[], pathOf: (p: string) => string) {
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'sb_session' })
  registry.registerComponent('securitySchemes', 'csrf', { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' })
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API token (POST /api/tokens); the OGC API and the tiles only, reads only' })
  registry.registerComponent('securitySchemes', 'basic', { type: 'http', scheme: 'basic', description: 'User name and an API token as the password (GDAL, QGIS); the OGC API and the tiles only' })
  for (const op of ops) {
    registry.registerPath({
      method: op.method,
      path: pathOf(op.path),
      summary: op.summary,
      ...(op.permission ? { description: `Permission: ${op.permission}.` } : {}),
      security: securityOf(op),
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(op.body ? { body: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
      },
      responses: Object.fromEntries(Object.entries(responsesOf(op)).map(([status, spec]) => [status, responseConfig(spec)])),
    })
  }
}

/** A document of `ops`, its paths written by `pathOf`. */
function generate(ops: Operation[], pathOf: (p: string) => string, info: { title: string; version: string; description: string }, servers?: { url: string }[]) {
  const registry = new OpenAPIRegistry()
  register(registry, ops, pathOf)
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({ openapi: '3.0.3', info, ...(servers ? { servers } : {}) })
}

/** The API as documented; `paths` keys use OpenAPI `{param}` syntax. */
export function openApiDocument() {
  return generate(OPERATIONS, (p) => p, {
    title: 'Shuangbai Grid API',
    version: '0.1.0',
    description: 'Grid management and staff allocation for the Guangdong Shuangbai social-work programme.',
  })
}

/**
 * The OGC API's own definition (served at /ogc/api): the /ogc operations of the same table,
 * with paths relative to the server `<origin>/ogc`, as OGC API clients and the conformance
 * suite (ets-ogcapi-features10) read it.
 */
export function ogcApiDocument(origin: string) {
  const ogcOps = OPERATIONS.filter((op) => op.path === '/ogc' || op.path.startsWith('/ogc/'))
  const doc = generate(
    ogcOps,
    (p) => p.replace(/^\/ogc/, '') || '/',
    {
      title: 'Shuangbai Grid OGC API – Features',
      version: '1.0.0',
      description: "Villages, towns, counties, stations, grid units, service points and coverage gaps of the caller's scope. Sign in with an API token: Authorization: Bearer <token>, or HTTP Basic with your user name and the token.",
    },
    [{ url: `${origin}/ogc` }],
  )
  return ogcParameters(doc)
}

type Doc = ReturnType<OpenApiGeneratorV3['generateDocument']>

/**
 * The query parameters as OGC API – Features Part 1 defines them (/req/core/fc-limit-definition,
 * /req/core/fc-bbox-definition): `limit` an integer with minimum, maximum and default, `bbox`
 * an array of 4 or 6 numbers, both `style: form, explode: false`; CRSs as URIs. The zod
 * schemas parse them as the strings a URL carries (and /api/openapi.json, which the fuzz
 * tier generates requests from, documents those strings); this writes what they mean.
 */
function ogcParameters(doc: Doc): Doc {
  for (const item of Object.values(doc.paths ?? {})) {
    const get = (item as { get?: { parameters?: { name: string; in: string; schema?: Record<string, unknown>; style?: string; explode?: boolean }[] } }).get
    for (const p of get?.parameters ?? []) {
      if (p.in !== 'query') continue
      if (p.name === 'limit') Object.assign(p, { style: 'form', explode: false, schema: { type: 'integer', minimum: 1, maximum: OGC_LIMIT_MAX, default: OGC_LIMIT_DEFAULT } })
      if (p.name === 'bbox') Object.assign(p, { style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } })
      if (p.name === 'crs' || p.name === 'bbox-crs') Object.assign(p, { style: 'form', explode: false, schema: { ...p.schema, type: 'string', format: 'uri' } })
    }
  }
  return doc
}
