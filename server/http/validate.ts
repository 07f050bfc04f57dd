/** Input validation at the edge: zod schemas, failures → 400 naming the field. */
import { z } from 'zod'
import { DIVISION_CODE_HINT, DIVISION_CODE_PATTERN, levelCodePattern } from '../../geodata/codes.js'
import { BadRequest } from '../errors.js'

/** A division code: province 2 digits, city 4, county 6, town 9, village 12 (geodata/codes.ts). */
export const DivisionCode = z.string().regex(new RegExp(DIVISION_CODE_PATTERN), DIVISION_CODE_HINT)
/** A village's code: 12 digits. */
export const VillageCode = z.string().regex(new RegExp(levelCodePattern('village')), 'a village code of 12 digits, e.g. 440203100201')

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
