/**
 * The OpenAPI 3.0 document, generated from the operations table (operations.ts) and its
 * zod schemas by @asteasolutions/zod-to-openapi. 3.0, not 3.1: OGC API clients and most
 * validators parse 3.0 only. The answers every operation can give (401, 403, 503 …) are
 * added here, once.
 */
import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig } from '@asteasolutions/zod-to-openapi'
import * as S from './responses.js'
import { OPERATIONS, type Operation, type ResponseSpec } from './operations.js'

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
  return spec.schema ? { description: spec.description, content: { [spec.type ?? 'application/json']: { schema: spec.schema } } } : { description: spec.description }
}

/** The API as documented; `paths` keys use OpenAPI `{param}` syntax. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry()
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'sb_session' })
  registry.registerComponent('securitySchemes', 'csrf', { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' })
  for (const op of OPERATIONS) {
    registry.registerPath({
      method: op.method,
      path: op.path,
      summary: op.summary,
      ...(op.permission ? { description: `Permission: ${op.permission}.` } : {}),
      security: op.public ? [] : SAFE.has(op.method) ? [{ session: [] }] : [{ session: [], csrf: [] }],
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(op.body ? { body: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
      },
      responses: Object.fromEntries(Object.entries(responsesOf(op)).map(([status, spec]) => [status, responseConfig(spec)])),
    })
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Shuangbai Grid API',
      version: '0.1.0',
      description: 'Grid management and staff allocation for the Guangdong Shuangbai social-work programme.',
    },
  })
}
