/**
 * A plan as a document for the meeting that approves it and for the transfer notices (调令):
 * an XLSX workbook (GET /api/plans/:id/export.xlsx) of the moves and transfers (one row
 * each: name, from, to, km, kind), the posts per town and per station/point before and after
 * with recruits, the coverage before and after, and the parameters with the solver's
 * verification. The tables are built here as plain data; write-excel-file writes them.
 */
import writeXlsxFile from 'write-excel-file/node'
import { xlsxSheet, type Cell, type Table } from '../../web/src/lib/export.js'
import { PLAN_DEFAULTS } from '../contract/defaults.js'
import type { PlanRow } from '../repositories/plans.repository.js'
import { DEFAULT_DEMAND_WEIGHTS } from '../../solver/policy.js'

export type DocumentLang = 'zh' | 'en'

/** The document's words, Chinese first (the UI's names for the same things: web/src/lib/messages.ts). */
const WORDS = {
  moves: ['人员调动', 'Moves'],
  towns: ['各乡镇岗位', 'Posts per town'],
  points: ['各站点岗位', 'Posts per station and point'],
  coverage: ['覆盖前后对比', 'Coverage'],
  params: ['参数与验证', 'Parameters'],
  changes: ['变更', 'Changes'],
  name: ['姓名', 'Name'],
  from: ['原岗位', 'From'],
  fromTown: ['原乡镇', 'From town'],
  to: ['新岗位', 'To'],
  toTown: ['新乡镇', 'To town'],
  km: ['距离（公里）', 'Distance (km)'],
  kind: ['类型', 'Kind'],
  move: ['镇内调配', 'move inside the town'],
  transfer: ['跨镇调动', 'transfer to another town'],
  release: ['精简', 'released'],
  town: ['乡镇', 'Town'],
  code: ['代码', 'Code'],
  villages: ['村(居)数', 'Villages'],
  adminBefore: ['事务岗（现状）', 'Admin posts before'],
  adminAfter: ['事务岗（方案后）', 'Admin posts after'],
  serviceBefore: ['服务岗（现状）', 'Service posts before'],
  serviceAfter: ['服务岗（方案后）', 'Service posts after'],
  recruits: ['拟招聘', 'Recruits'],
  vacant: ['空缺', 'Vacant'],
  released: ['精简', 'Released'],
  transfersIn: ['调入', 'Transfers in'],
  transfersOut: ['调出', 'Transfers out'],
  post: ['岗位类型', 'Post'],
  station: ['社工站', 'station'],
  point: ['社工点', 'service point'],
  before: ['现状', 'Before'],
  after: ['方案后', 'After'],
  measure: ['指标', 'Measure'],
  value: ['值', 'Value'],
  item: ['项目', 'Item'],
} as const satisfies Record<string, readonly [string, string]>

const COVERAGE_MEASURES = [
  ['villages', '村(居)数', 'villages'],
  ['coveredVillages', '已覆盖村(居)', 'villages covered'],
  ['coveredPct', '覆盖率（%）', 'covered (%)'],
  ['specialGroupReachedPct', '特殊群体覆盖率（%）', 'special groups reached (%)'],
  ['adminPosts', '事务岗', 'admin posts'],
  ['adminPostsRequired', '事务岗（规则要求）', 'admin posts required'],
  ['servicePosts', '服务岗', 'service posts'],
  ['servicePostsRequired', '服务岗（规则要求）', 'service posts required'],
  ['statusCounts.uncovered', '未覆盖村(居)', 'villages uncovered'],
  ['statusCounts.far', '距离过远村(居)', 'villages too far'],
  ['statusCounts.overloaded', '人均需求过高村(居)', 'villages overloaded'],
  ['demandPerWorker.median', '每名社工需求（中位数）', 'demand per worker, median'],
  ['demandPerWorker.max', '每名社工需求（最大）', 'demand per worker, max'],
  ['demandPerWorker.maxOverMedian', '最大 ÷ 中位数', 'max ÷ median'],
  ['demandPerWorker.gini', '基尼系数（0 = 完全均衡）', 'Gini (0 = perfectly even)'],
] as const

const get = (o: unknown, path: string): Cell => {
  const v = path.split('.').reduce<unknown>((a, k) => (a && typeof a === 'object' ? (a as Record<string, unknown>)[k] : undefined), o)
  return typeof v === 'number' || typeof v === 'string' ? v : null
}
const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100)

/** The tables of a plan's document, in the language asked for. */
export function planTables(plan: PlanRow, lang: DocumentLang): Table[] {
  const w = (k: keyof typeof WORDS) => WORDS[k][lang === 'zh' ? 0 : 1]
  const tables: Table[] = []
  const diff = plan.diff
  if (diff?.kind === 'staff') {
    const townName = new Map(diff.towns.map((t) => [t.code, t.name]))
    const town = (code: string | null) => (code ? (townName.get(code) ?? code) : null)
    const post = (p: { name: string; post: 'station' | 'point' }) => `${p.name}（${w(p.post)}）`
    tables.push({
      title: w('moves'),
      columns: [w('name'), w('from'), w('fromTown'), w('to'), w('toTown'), w('km'), w('kind')],
      rows: [
        ...diff.moves.map((m) => [m.name, post(m.from), town(m.from.townCode), post(m.to), town(m.to.townCode), round(m.distanceKm), w(m.crossTown ? 'transfer' : 'move')]),
        ...diff.released.map((r) => [r.name, post(r.from), town(r.from.townCode), null, null, null, w('release')]),
      ],
    })
    tables.push({
      title: w('towns'),
      columns: [w('town'), w('code'), w('villages'), w('adminBefore'), w('adminAfter'), w('serviceBefore'), w('serviceAfter'), w('recruits'), w('vacant'), w('released'), w('transfersIn'), w('transfersOut')],
      rows: diff.towns.map((t) => [t.name, t.code, t.villages, t.before.adminPosts, t.after.adminPosts, t.before.servicePosts, t.after.servicePosts, t.recruits, t.vacant, t.released, t.transfersIn, t.transfersOut]),
    })
    tables.push({
      title: w('points'),
      columns: [w('post'), w('name'), w('code'), w('town'), w('before'), w('after'), w('recruits'), w('vacant')],
      rows: [
        ...diff.stations.map((s) => [w('station'), s.name, s.id, town(s.townCode), s.before, s.after, s.recruits, s.vacant]),
        ...diff.points.map((p) => [w('point'), p.name, p.id, town(p.townCode), p.before, p.after, p.recruits, p.vacant]),
      ],
    })
  } else if (diff?.kind === 'supervisors') {
    tables.push({
      title: w('changes'),
      columns: [w('station'), w('code'), w('from'), w('to')],
      rows: diff.changes.map((c) => [c.name, c.stationId, c.from?.name ?? null, c.to?.name ?? null]),
    })
  } else if (diff?.kind === 'grids') {
    tables.push({
      title: w('changes'),
      columns: [w('code'), w('from'), w('to')],
      rows: diff.membership.map((m) => [m.villageCode, m.from, m.to]),
    })
  }
  const before = (plan.coverage?.before as { total?: unknown } | undefined)?.total
  const after = (plan.coverage?.after as { total?: unknown } | undefined)?.total
  if (before && after) {
    tables.push({
      title: w('coverage'),
      columns: [w('measure'), w('before'), w('after')],
      rows: COVERAGE_MEASURES.map(([path, zh, en]) => [lang === 'zh' ? zh : en, get(before, path), get(after, path)]),
    })
  }
  tables.push({ title: w('params'), columns: [w('item'), w('value')], rows: parameterRows(plan, lang) })
  return tables
}

/** Every parameter as the solve used it (the defaults filled in), then the plan and its verified result. */
function parameterRows(plan: PlanRow, lang: DocumentLang): Cell[][] {
  const zh = lang === 'zh'
  const p = plan.params as Record<string, unknown>
  const weights = { ...DEFAULT_DEMAND_WEIGHTS, ...((p.weights as Record<string, number> | undefined) ?? {}) }
  const value = (k: string, fallback: unknown): Cell => {
    const v = p[k] ?? fallback
    return typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'boolean' ? (zh ? (v ? '是' : '否') : String(v)) : null
  }
  const r = plan.result ?? {}
  const review = plan.review
  const rows: [string, string, Cell][] = [
    ['方案编号', 'plan id', plan.id],
    ['类型', 'kind', plan.kind],
    ['范围', 'scope', plan.withinName ? `${plan.withinName}（${plan.within}）` : plan.within],
    ['状态', 'status', plan.status],
    ['创建人', 'created by', plan.createdBy],
    ['创建时间', 'created at', plan.createdAt],
    ['提交人', 'submitted by', review?.submittedBy ?? null],
    ['提交说明', 'note', review?.note ?? null],
    ['审批结果', 'decision', review?.decision ?? null],
    ['审批人', 'decided by', review?.decidedBy ?? null],
    ['审批意见', 'comment', review?.comment ?? null],
    ['实施人', 'applied by', plan.appliedBy],
    ['实施时间', 'applied at', plan.appliedAt],
    ...Object.entries(weights).map(([k, v]): [string, string, Cell] => [`权重 ${k}`, `weight ${k}`, v]),
    ['社工总数（预算）', 'budget', value('budget', zh ? '现有人数' : 'today')],
    ['允许跨镇调动', 'allow transfers', value('allowTransfers', p.allowCrossTownMoves ?? PLAN_DEFAULTS.allowTransfers)],
    ['跨镇调动距离上限（公里）', 'max transfer km', value('maxTransferKm', PLAN_DEFAULTS.maxTransferKm)],
    ['镇内调动代价', 'move cost', value('moveCost', PLAN_DEFAULTS.moveCost)],
    ['跨镇调动代价', 'transfer cost', value('crossTownMoveCost', PLAN_DEFAULTS.crossTownMoveCost)],
    ['服务距离上限（公里）', 'distance limit km', value('distanceKm', PLAN_DEFAULTS.distanceKm)],
    ['过载倍数', 'overload factor', value('overloadFactor', PLAN_DEFAULTS.overloadFactor)],
    ['求解时限（秒）', 'time limit s', value('timeLimitSec', PLAN_DEFAULTS.timeLimitSec[plan.kind])],
    ['求解状态', 'solver status', (r.status as string | undefined) ?? null],
    ['求解器', 'backend', (r.backend as string | undefined) ?? null],
    ['目标值', 'objective', (r.objective as number | null | undefined) ?? null],
    ['间隙', 'gap', (r.gap as number | null | undefined) ?? null],
    ['用时（毫秒）', 'time ms', (r.ms as number | undefined) ?? null],
    ['已独立验证', 'verified', r.verified === true ? (zh ? '是' : 'yes') : zh ? '否' : 'no'],
  ]
  return rows.map(([a, b, v]) => [zh ? a : b, v])
}

/** The workbook of a plan's document as bytes. */
export async function planWorkbook(plan: PlanRow, lang: DocumentLang): Promise<Buffer> {
  const sheets = planTables(plan, lang).map((t) => {
    const { data, options } = xlsxSheet(t)
    return { data, ...options }
  })
  return writeXlsxFile(sheets).toBuffer()
}
