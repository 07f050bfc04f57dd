/**
 * fast-check arbitraries from the JSON schemas of the OpenAPI document (the subset
 * zod-to-openapi emits: string with pattern/format/enum/length, number and integer with
 * bounds, boolean, object with properties/required/additionalProperties, anyOf, nullable):
 * `valid` values the schema accepts, `invalid` ones it refuses (checked with ajv, so a
 * mutation that happens to stay valid is never counted as one).
 */
import fc from 'fast-check'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void

export interface JsonSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array'
  pattern?: string
  format?: string
  enum?: unknown[]
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: boolean
  nullable?: boolean
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean
  anyOf?: JsonSchema[]
}

const ajv = new Ajv({ strict: false, allErrors: false })
addFormats(ajv)
const validators = new WeakMap<JsonSchema, ValidateFunction>()

/** Whether `value` is accepted by `schema` (OpenAPI 3.0 nullable honoured). */
export function accepts(schema: JsonSchema, value: unknown): boolean {
  let v = validators.get(schema)
  if (!v) {
    v = ajv.compile(toAjv(schema))
    validators.set(schema, v)
  }
  return v(value) as boolean
}

function toAjv(s: JsonSchema): object {
  const { nullable, properties, anyOf, exclusiveMinimum, minimum, ...rest } = s
  const out: Record<string, unknown> = { ...rest }
  if (minimum !== undefined) out[exclusiveMinimum ? 'exclusiveMinimum' : 'minimum'] = minimum
  if (properties) out.properties = Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, toAjv(p)]))
  if (anyOf) out.anyOf = anyOf.map(toAjv)
  return nullable ? { anyOf: [out, { type: 'null' }] } : out
}

/** Values `schema` accepts. `pools` give realistic values (real codes and ids) by property name. */
export function valid(schema: JsonSchema, pools: Record<string, fc.Arbitrary<unknown>> = {}, name?: string): fc.Arbitrary<unknown> {
  const base = validBase(schema, pools)
  const pool = name ? pools[name] : undefined
  const arb = pool ? fc.oneof({ weight: 1, arbitrary: base }, { weight: 3, arbitrary: pool.filter((v) => accepts(schema, v)) }) : base
  return schema.nullable ? fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) }) : arb
}

function validBase(s: JsonSchema, pools: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  if (s.anyOf) return fc.oneof(...s.anyOf.map((a) => valid(a, pools)))
  if (s.enum) return fc.constantFrom(...s.enum)
  switch (s.type) {
    case 'string':
      if (s.format === 'uuid') return fc.uuid()
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern))
      return fc.string({ unit: 'grapheme', minLength: s.minLength ?? 0, maxLength: s.maxLength ?? 40 })
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9 })
    case 'number': {
      const min = s.minimum ?? -1e9
      return fc.double({ min, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true, minExcluded: s.exclusiveMinimum ?? false })
    }
    case 'boolean':
      return fc.boolean()
    case 'object': {
      const props = s.properties ?? {}
      const required = new Set(s.required ?? [])
      const record: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [k, p] of Object.entries(props)) record[k] = valid(p, pools, k)
      return fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) })
    }
    default:
      return fc.jsonValue()
  }
}

/** Any JSON value, some of them odd: huge numbers, long and unusual strings, nesting. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('', ' ', '0', '-1', 'null', 'true', '[]', '{}', '../..', '%00', '\u0000', '\ud800', '44/../4402', '𝕏', '中文', 'NaN', '1e999', 'constructor', '__proto__'),
  fc.constantFrom(0, -0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, true, false, null, [], {}),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ minLength: 1000, maxLength: 5000 }),
  fc.stringMatching(/^\d{1,20}$/),
  fc.stringMatching(/^[a-z0-9-]{41,60}$/),
)

/** Values `schema` refuses: wrong types, broken patterns, bounds crossed, objects missing or gaining keys. */
export function invalid(schema: JsonSchema, pools: Record<string, fc.Arbitrary<unknown>> = {}): fc.Arbitrary<unknown> {
  const near: fc.Arbitrary<unknown>[] = [oddValue]
  if (schema.type === 'object' && schema.properties) {
    const props = schema.properties
    const keys = Object.keys(props)
    const whole = valid(schema, pools) as fc.Arbitrary<Record<string, unknown>>
    // One property replaced by an invalid value (an object without properties, e.g. `{}`, has none to break).
    if (keys.length) {
      near.push(fc.tuple(whole, fc.constantFrom(...keys)).chain(([o, k]) => invalid(props[k], pools).map((bad) => ({ ...o, [k]: bad }))))
    }
    // A required property missing.
    if (schema.required?.length) near.push(fc.tuple(whole, fc.constantFrom(...schema.required)).map(([o, k]) => omit(o, k)))
    // An unknown property.
    if (schema.additionalProperties === false) {
      near.push(fc.tuple(whole, fc.constantFrom('extra', 'Kind', '__proto__', 'constructor', 'within ', ''), oddValue).map(([o, k, v]) => withKey(o, k, v)))
    }
  }
  if (schema.type === 'string') {
    near.push(
      valid(schema, pools).map((v) => `${String(v)}x`),
      valid(schema, pools).map((v) => ` ${String(v)}`),
      valid(schema, pools).map((v) => String(v).slice(1)),
      valid(schema, pools).map((v) => String(v).toUpperCase() + '\n'),
    )
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    if (schema.maximum !== undefined) near.push(fc.double({ min: schema.maximum + 1e-9, max: schema.maximum * 10 + 10, noNaN: true }))
    if (schema.minimum !== undefined) near.push(fc.constant(schema.exclusiveMinimum ? schema.minimum : schema.minimum - 1))
    if (schema.type === 'integer') near.push(fc.constant(1.5))
    near.push(valid(schema, pools).map(String))
  }
  return fc.oneof(...near).filter((v) => !accepts(schema, v))
}

function omit(o: Record<string, unknown>, k: string): Record<string, unknown> {
  const copy = { ...o }
  delete copy[k]
  return copy
}

/** Sets a key even when it is __proto__ (an own property, as JSON.parse makes it). */
function withKey(o: Record<string, unknown>, k: string, v: unknown): Record<string, unknown> {
  const copy = { ...o }
  Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true })
  return copy
}
