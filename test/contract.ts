/**
 * Real responses checked against the OpenAPI document the server serves: every answer
 * the db suite receives through test/db/harness.ts `call` must have a documented status,
 * and its body must validate against the documented schema (ajv on the generated JSON
 * schemas, not the zod schemas they came from: this checks the document itself).
 */
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { openApiDocument } from '../server/contract/openapi.js'

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void

type Doc = ReturnType<typeof openApiDocument>
interface Route {
  method: string
  template: string
  pattern: RegExp
}

let compiled: { doc: Doc; ajv: Ajv; routes: Route[]; validators: Map<string, ValidateFunction> } | null = null

function contract() {
  if (compiled) return compiled
  const doc = openApiDocument()
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats(ajv)
  ajv.addSchema({ ...forAjv(structuredClone(doc)), $id: 'openapi' } as object)
  const routes: Route[] = []
  for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`)
    for (const method of Object.keys(item)) routes.push({ method: method.toUpperCase(), template, pattern })
  }
  compiled = { doc, ajv, routes, validators: new Map() }
  return compiled
}

/**
 * OpenAPI 3.0 allows `nullable: true` beside no `type` (any value, null included); ajv
 * refuses that combination, so it is dropped where it changes nothing. OpenAPI 3.0's
 * boolean `exclusiveMinimum`/`exclusiveMaximum` (JSON Schema draft 4) become draft 7's numbers.
 */
function forAjv<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(forAjv)
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>
    if (o.nullable === true && !('type' in o)) delete o.nullable
    // zod-to-openapi writes a nullable union as oneOf [..., { nullable: true }]: that branch means null
    // (elsewhere a bare { nullable: true } is z.unknown(): any value).
    for (const list of [o.oneOf, o.anyOf]) {
      if (Array.isArray(list)) list.forEach((b: Record<string, unknown>, i) => b.nullable === true && Object.keys(b).length === 1 && (list[i] = { type: 'null' }))
    }
    for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof o[exclusive] !== 'boolean') continue
      if (o[exclusive]) [o[exclusive], o[bound]] = [o[bound], undefined]
      else delete o[exclusive]
      if (o[bound] === undefined) delete o[bound]
    }
    Object.values(o).forEach(forAjv)
  }
  return node
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

/**
 * Throws when a response breaks the document: an undocumented status, a body that does not
 * validate, or a media type the operation does not answer. Paths the document does not know
 * (a 404 for no such endpoint) are not checked.
 */
export function checkResponse(method: string, url: string, status: number, type: string, body: unknown): void {
  const { doc, ajv, routes, validators } = contract()
  const path = url.split('?')[0]
  const route = routes.find((r) => r.method === method && r.pattern.test(path))
  if (!route) return
  const op = (doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>)[route.template][method.toLowerCase()]
  const documented = op.responses[String(status)]
  const where = `${method} ${route.template} → ${status}`
  if (!documented) throw new Error(`contract: ${where} is not documented (documented: ${Object.keys(op.responses).join(', ')})`)
  if (!documented.content) {
    if (body !== null && body !== undefined && body !== '') throw new Error(`contract: ${where} documents no body but one was sent`)
    return
  }
  const media = type.split(';')[0].trim()
  if (!(media in documented.content)) throw new Error(`contract: ${where} answered ${media}; documented: ${Object.keys(documented.content).join(', ')}`)
  const key = `${method} ${route.template} ${status} ${media}`
  let validate = validators.get(key)
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi#/${pointer('paths', route.template, method.toLowerCase(), 'responses', String(status), 'content', media, 'schema')}` })
    validators.set(key, validate)
  }
  if (!validate(body)) {
    const errors = (validate.errors ?? []).slice(0, 12).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')
    throw new Error(`contract: ${where} body does not match the document: ${errors}`)
  }
}
