/** The audit trail: appending an entry, and reading the entries touching a scope, newest first, in keyset pages. */
import type { Knex } from 'knex'
import { under } from './scope.js'

export interface AuditRow {
  id: string
  at: Date
  /** `at` to the microsecond, in UTC: the keyset position (a JS Date keeps milliseconds only). */
  atKey: string
  actor: string
  action: string
  entity: string
  entityId: string | null
  scopeCode: string | null
  scopeName: string | null
  /** The name of the edited village, when the entry is about one. */
  entityName: string | null
  divisions: string[]
  details: Record<string, unknown>
}

export interface AuditQuery {
  /** Entries touching a division at or below this code. */
  within: string
  since?: Date
  until?: Date
  actor?: string
  /** Entries strictly after this position in the order (at desc, id desc). */
  after?: { at: string; id: string }
  limit: number
}

/**
 * Entries that touched a division within `q.within`, ordered by time then id, both
 * descending (a total order, so pages neither repeat nor skip entries of the same instant).
 */
export async function listAudit(knex: Knex, q: AuditQuery): Promise<AuditRow[]> {
  const query = knex('audit_log as a')
    .leftJoin('divisions as d', 'd.code', 'a.scope_code')
    .leftJoin('divisions as e', (j) => j.on(knex.raw("a.entity = 'village'")).andOn('e.code', 'a.entity_id'))
    .select(
      knex.raw('a.id::text as id'),
      'a.at',
      knex.raw(`to_char(a.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "atKey"`),
      'a.actor',
      'a.action',
      'a.entity',
      'a.entity_id as entityId',
      'a.scope_code as scopeCode',
      'd.name as scopeName',
      'e.name as entityName',
      knex.raw('array(select x.code from audit_log_divisions x where x.audit_id = a.id and x.code like ? order by x.code) as divisions', [under(q.within)]),
      'a.details',
    )
    .whereExists((s) => s.select(knex.raw('1')).from('audit_log_divisions as x').whereRaw('x.audit_id = a.id').andWhere('x.code', 'like', under(q.within)))
    .orderBy([{ column: 'a.at', order: 'desc' }, { column: 'a.id', order: 'desc' }])
    .limit(q.limit)
  if (q.since) query.andWhere('a.at', '>=', q.since)
  if (q.until) query.andWhere('a.at', '<', q.until)
  if (q.actor) query.andWhere('a.actor', q.actor)
  if (q.after) query.andWhereRaw('(a.at, a.id) < (?::timestamptz, ?::bigint)', [q.after.at, q.after.id])
  const rows = await query
  return rows.map((r) => ({ ...r, details: typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? {}) }))
}

/**
 * Appends an audit record. `scope` is the division the entry is about; `divisions` the others
 * it touched (e.g. the town a worker left): a reader sees an entry when any of them lies in its scope.
 */
export async function audit(
  trx: Knex,
  entry: { actor: string; action: string; entity: string; entityId?: string | null; scope?: string | null; divisions?: string[]; details?: unknown },
): Promise<void> {
  const [row] = await trx('audit_log')
    .insert({
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId ?? null,
      scope_code: entry.scope ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .returning('id')
  const codes = [...new Set([entry.scope, ...(entry.divisions ?? [])].filter((c): c is string => !!c))]
  if (codes.length) await trx('audit_log_divisions').insert(codes.map((code) => ({ audit_id: row.id, code })))
}
