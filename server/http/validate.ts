/** Input validation at the edge: zod schemas, failures → 400 naming the field. */
import { z } from 'zod'
import { BadRequest } from '../errors.js'

/** A division code: city 4 digits, county 6, town 9, village 12. */
export const DivisionCode = z
  .string()
  .regex(/^\d{4}(\d{2}(\d{3}(\d{3})?)?)?$/, 'a division code of 4, 6, 9 or 12 digits, e.g. 4402 or 440203100')

/** Parses `value` with `schema`; on failure throws a 400 naming the first offending field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'path'): z.infer<T> {
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
  throw new BadRequest(detail, field || undefined, { in: where })
}

export const WithinQuery = z.object({ within: DivisionCode }).strict()
export const CodeParams = z.object({ code: DivisionCode })
