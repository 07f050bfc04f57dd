/** Input validation at the edge: zod schemas, failures → 400 naming the field. */
import type { z } from 'zod'
import { BadRequest, HttpError } from '../errors.js'

/**
 * What `req.body` holds when a request came with a body in another media type than JSON
 * (server/app.ts): parsing it as a body answers 415, after the session and CSRF checks.
 */
export const UNREAD_BODY: Readonly<Record<string, never>> = Object.freeze({})

/** Parses `value` with `schema`; on failure throws a 400 naming the first offending field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'path'): z.infer<T> {
  if (where === 'body' && value === UNREAD_BODY) {
    throw new HttpError(415, 'Unsupported Media Type', 'send the request body as application/json', { field: 'body' })
  }
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
  // An issue of the whole input (a body that is no object, a key with no name) names its place.
  throw new BadRequest(detail, field || where, { in: where, zh: zhIssue(issue, field || where, where) })
}


const PLACE_ZH = { query: '查询参数', body: '请求参数', path: '路径参数' } as const

/** The issue in Chinese, for the UI (problem JSON `text`): bounds, types and unknown keys by kind; a custom rule by its `params.zh`. */
function zhIssue(issue: z.core.$ZodIssue, field: string, where: 'query' | 'body' | 'path'): string {
  const place = `${PLACE_ZH[where]} ${field}`
  switch (issue.code) {
    case 'unrecognized_keys':
      return `未知的${place}`
    case 'too_big':
      return `${place} 不能大于 ${String(issue.maximum)}`
    case 'too_small':
      return `${place} 不能小于 ${String(issue.minimum)}`
    case 'invalid_type':
      return issue.input === undefined ? `缺少${place}` : `${place} 的类型不对（应为 ${issue.expected}）`
    case 'custom': {
      const zh = (issue.params as { zh?: string } | undefined)?.zh
      return zh ? `${place}：${zh}` : `${place} 无效：${issue.message}`
    }
    default:
      return `${place} 无效：${issue.message}`
  }
}
