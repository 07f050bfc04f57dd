/**
 * The audit trail as a reader sees it: who changed what and when, in the reader's scope,
 * newest first, in pages joined by an opaque cursor; each entry with a summary in Chinese
 * and English and what it links to (the plan, or the edited object).
 */
import type { Knex } from 'knex'
import type { SessionUser } from '../auth/roles.js'
import { BadRequest } from '../errors.js'
import { listAudit, type AuditRow } from '../repositories/audit.repository.js'
import { requireDivision } from './divisions.service.js'

export interface AuditEntry {
  id: string
  at: string
  user: string
  action: string
  summary: { zh: string; en: string }
  scope: { code: string; name: string | null } | null
  divisions: string[]
  target: { type: string; id: string } | null
  details: Record<string, unknown>
}

export interface AuditPage {
  entries: AuditEntry[]
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null
}

interface Position {
  at: string
  id: string
}

const AT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

/** Whether a UTC timestamp names a real instant (no 30 February): it survives a round trip through Date. */
const realInstant = (at: string) => {
  const ms = Date.parse(at)
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 23) === at.slice(0, 23)
}

/** The opaque cursor of a position: base64url of its JSON. */
export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url')
}

/** The position of a cursor; a 400 naming `cursor` for anything this server did not make. */
export function decodeCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value
      if (typeof at === 'string' && AT_KEY.test(at) && realInstant(at) && typeof id === 'string' && /^[1-9][0-9]{0,17}$/.test(id)) return { at, id }
    }
  } catch {
    // fall through: not base64url JSON
  }
  throw new BadRequest('query parameter cursor: not a cursor of this API (pass nextCursor of the previous page unchanged)', 'cursor', { in: 'query' })
}

const KIND_NAMES: Record<string, [string, string]> = {
  staff: ['社工岗位配置', 'staff allocation'],
  grids: ['网格划分', 'grid design'],
  supervisors: ['督导分片', 'supervisor territories'],
}

/** One line saying what an entry did, in Chinese and English. */
export function summarize(row: AuditRow): { zh: string; en: string } {
  const d = row.details
  const place = row.scopeName ?? row.scopeCode ?? ''
  const str = (v: unknown) => (v === null || v === undefined ? '—' : String(v))
  switch (row.action) {
    case 'plan.apply': {
      const [zh, en] = KIND_NAMES[str(d.kind)] ?? [str(d.kind), str(d.kind)]
      const revert = d.revertsPlanId ? ['（撤销方案）', ' (a revert)'] : ['', '']
      return { zh: `应用${zh}方案${revert[0]}：${place}`, en: `Applied a ${en} plan${revert[1]} for ${place}` }
    }
    case 'plan.discard':
      return { zh: `放弃方案：${place}`, en: `Discarded a plan for ${place}` }
    case 'worker.move':
      return { zh: `社工 ${row.entityId} 从 ${str(d.from)} 调至 ${str(d.to)}`, en: `Moved worker ${row.entityId} from ${str(d.from)} to ${str(d.to)}` }
    case 'village.grid_unit': {
      const village = row.entityName ?? row.entityId
      return d.to
        ? { zh: `${village} 划入网格 ${str(d.to)}（原 ${str(d.from)}）`, en: `Put ${village} in grid unit ${str(d.to)} (was ${str(d.from)})` }
        : { zh: `${village} 移出网格 ${str(d.from)}`, en: `Took ${village} out of grid unit ${str(d.from)}` }
    }
    case 'service_point.host':
      return { zh: `社工点 ${row.entityId} 改设于 ${str(d.to)}（原 ${str(d.from)}）`, en: `Moved service point ${row.entityId} to village ${str(d.to)} (was ${str(d.from)})` }
    case 'token.create':
      return { zh: `创建 API 令牌「${str(d.name)}」（有效期至 ${str(d.expiresAt).slice(0, 10)}）`, en: `Created API token "${str(d.name)}" (expires ${str(d.expiresAt).slice(0, 10)})` }
    case 'token.revoke':
      return { zh: `撤销 API 令牌「${str(d.name)}」`, en: `Revoked API token "${str(d.name)}"` }
    case 'station_score.record':
      return { zh: `录入社工站 ${row.entityId} ${str(d.quarter)} 考核得分 ${str(d.score)}`, en: `Recorded a score of ${str(d.score)} for station ${row.entityId} in ${str(d.quarter)}` }
    case 'inspection.record':
      return { zh: `录入市督导组走访：社工站 ${row.entityId}（${str(d.date)}）`, en: `Recorded an inspection of station ${row.entityId} on ${str(d.date)}` }
    case 'training.record':
      return { zh: `录入社工 ${row.entityId} 培训 ${str(d.hours)} 小时（${str(d.date)}）`, en: `Recorded ${str(d.hours)} h of training for worker ${row.entityId} on ${str(d.date)}` }
    case 'station_score.delete':
    case 'inspection.delete':
    case 'training.delete': {
      const [zh, en] = row.action.startsWith('station_score') ? ['考核得分', 'score'] : row.action.startsWith('inspection') ? ['走访记录', 'inspection'] : ['培训记录', 'training record']
      return { zh: `删除${zh}（${row.entityId}）`, en: `Deleted a ${en} of ${row.entityId}` }
    }
    default:
      return { zh: `${row.action}：${row.entity} ${row.entityId ?? ''}`.trim(), en: `${row.action}: ${row.entity} ${row.entityId ?? ''}`.trim() }
  }
}

function entryOf(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    user: row.actor,
    action: row.action,
    summary: summarize(row),
    scope: row.scopeCode ? { code: row.scopeCode, name: row.scopeName } : null,
    divisions: row.divisions,
    target: row.entityId ? { type: row.entity, id: row.entityId } : null,
    details: row.details,
  }
}

export interface AuditFilter {
  within?: string
  since?: string
  until?: string
  user?: string
  limit?: number
  cursor?: string
}

export const AUDIT_PAGE_DEFAULT = 50

/** A page of the audit entries touching `within` (default: the reader's whole scope). */
export async function readAudit(knex: Knex, reader: SessionUser, f: AuditFilter): Promise<AuditPage> {
  const within = f.within ?? reader.scope
  if (f.within !== undefined) await requireDivision(knex, within, reader.scope)
  const since = f.since ? new Date(f.since) : undefined
  const until = f.until ? new Date(f.until) : undefined
  if (since && until && since >= until) throw new BadRequest('query parameter until: must be later than since', 'until', { in: 'query' })
  const after = f.cursor ? decodeCursor(f.cursor) : undefined
  const limit = f.limit ?? AUDIT_PAGE_DEFAULT
  const rows = await listAudit(knex, { within, since, until, actor: f.user, after, limit: limit + 1 })
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return { entries: page.map(entryOf), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.atKey, id: last.id }) : null }
}
