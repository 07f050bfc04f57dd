/**
 * The ranking of the towns (or counties) of a coverage report: rule violations counted per
 * area, the sortable columns, and the table as the CSV/XLSX exports write it.
 */
import { countyOf, isLevel, townOf } from '../../../../geodata/codes'
import { t } from '../../lib/i18n.svelte'
import type { Table } from '../../lib/export'
import type { MessageKey } from '../../lib/messages'
import type { AreaCoverage, Violation } from '../../lib/types'
import { COVERAGE_STATUSES } from '../../lib/types'

export type RankingKey = 'name' | 'villages' | 'coveredPct' | 'specialGroupReachedPct' | 'servicePosts' | 'adminPosts' | 'median' | 'maxOverMedian' | 'gini' | 'violations'

export const RANKING_COLUMNS: readonly { key: RankingKey; label: MessageKey }[] = [
  { key: 'name', label: 'table.name' },
  { key: 'villages', label: 'table.villages' },
  { key: 'coveredPct', label: 'table.coveredPct' },
  { key: 'specialGroupReachedPct', label: 'table.reachedPct' },
  { key: 'servicePosts', label: 'table.servicePosts' },
  { key: 'adminPosts', label: 'table.adminPosts' },
  { key: 'median', label: 'table.median' },
  { key: 'maxOverMedian', label: 'table.maxOverMedian' },
  { key: 'gini', label: 'table.gini' },
  { key: 'violations', label: 'table.violations' },
]

/** Whether a column sorts ascending when first chosen (the columns where less is worse, and names). */
export function ascendingFirst(k: RankingKey): boolean {
  return k === 'name' || k === 'coveredPct' || k === 'specialGroupReachedPct' || k === 'servicePosts' || k === 'adminPosts'
}

/** Violations per town and per county code (a village's count towards its town and county). */
export function violationsByArea(violations: readonly Violation[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const v of violations) {
    const town = v.rule === 'town_service_posts_min' ? v.code : (v.townCode ?? (isLevel(v.code, 'village') ? townOf(v.code) : null))
    if (!town) continue
    m.set(town, (m.get(town) ?? 0) + 1)
    const county = countyOf(town)!
    m.set(county, (m.get(county) ?? 0) + 1)
  }
  return m
}

function valueOf(a: AreaCoverage, k: RankingKey, violations: Map<string, number>): number | string {
  switch (k) {
    case 'name':
      return a.name
    case 'servicePosts':
      return a.servicePosts - a.servicePostsRequired
    case 'adminPosts':
      return a.adminPosts - a.adminPostsRequired
    case 'median':
      return a.demandPerWorker.median ?? -1
    case 'maxOverMedian':
      return a.demandPerWorker.maxOverMedian ?? -1
    case 'gini':
      return a.demandPerWorker.gini ?? -1
    case 'violations':
      return violations.get(a.code) ?? 0
    default:
      return a[k]
  }
}

/** The areas sorted by a column (posts by their surplus over the rule), ties by code. */
export function sortAreas(areas: readonly AreaCoverage[], key: RankingKey, ascending: boolean, violations: Map<string, number>, locale: string): AreaCoverage[] {
  const dir = ascending ? 1 : -1
  return [...areas].sort((a, b) => {
    const [x, y] = [valueOf(a, key, violations), valueOf(b, key, violations)]
    const c = typeof x === 'string' ? x.localeCompare(String(y), locale) : x - (y as number)
    return c * dir || a.code.localeCompare(b.code)
  })
}

/** The ranking as the exports write it: every figure of each area, in the order shown. */
export function rankingTable(title: string, rows: readonly AreaCoverage[], violations: Map<string, number>): Table {
  return {
    title,
    columns: [
      t('table.rank'),
      t('table.code'),
      t('table.name'),
      t('table.villages'),
      t('table.coveredVillages'),
      t('table.coveredPct'),
      t('table.reachedPct'),
      t('table.servicePostsNow'),
      t('table.servicePostsRequired'),
      t('table.adminPostsNow'),
      t('table.adminPostsRequired'),
      t('table.median'),
      t('table.max'),
      t('table.maxOverMedian'),
      t('table.gini'),
      ...COVERAGE_STATUSES.map((s) => t(`status.${s}` as MessageKey)),
      t('table.violations'),
    ],
    rows: rows.map((a, i) => [
      i + 1,
      a.code,
      a.name,
      a.villages,
      a.coveredVillages,
      a.coveredPct,
      a.specialGroupReachedPct,
      a.servicePosts,
      a.servicePostsRequired,
      a.adminPosts,
      a.adminPostsRequired,
      a.demandPerWorker.median,
      a.demandPerWorker.max,
      a.demandPerWorker.maxOverMedian,
      a.demandPerWorker.gini,
      ...COVERAGE_STATUSES.map((s) => a.statusCounts[s]),
      violations.get(a.code) ?? 0,
    ]),
  }
}
