/** Legend rows of a metric scale in the current language (shared by the legend and the PNG export). */
import { t } from '../lib/i18n.svelte'
import { km, num } from '../lib/format'
import type { MetricClass, MetricScale } from './metrics'
import type { MessageKey } from '../lib/messages'

export interface LegendRow {
  color: string
  label: string
  count: number
}

const fmt = (scale: MetricScale, x: number) => (scale.id === 'distanceKm' ? km(x) : num(x))

export function classLabel(scale: MetricScale, c: MetricClass): string {
  if (c.status) return t(`status.${c.status}` as MessageKey)
  if (c.none) return t(`metric.${scale.id}.none` as MessageKey)
  if (c.min === null && c.max !== null) return `< ${fmt(scale, c.max)}`
  if (c.max === null && c.min !== null) return `≥ ${fmt(scale, c.min)}`
  if (c.min !== null && c.max !== null) return `${fmt(scale, c.min)} – ${fmt(scale, c.max)}`
  return t('legend.all')
}

export function legendRows(scale: MetricScale): LegendRow[] {
  return scale.classes.map((c) => ({ color: c.color, label: classLabel(scale, c), count: c.count }))
}

export function legendTitle(scale: MetricScale): string {
  return t(`metric.${scale.id}` as MessageKey)
}

export function legendUnit(scale: MetricScale): string {
  return t(`metric.${scale.id}.unit` as MessageKey)
}

/** A note under the legend: what the classes are relative to. */
export function legendNote(scale: MetricScale): string {
  if (scale.id === 'demandPerWorker' && scale.reference.median) {
    return t('legend.demandNote', { median: num(scale.reference.median), threshold: num(scale.reference.threshold ?? 0) })
  }
  if (scale.id === 'distanceKm' && scale.reference.threshold) return t('legend.distanceNote', { km: km(scale.reference.threshold) })
  if (scale.id === 'specialGroupMembers') return t('legend.quintiles')
  return t('legend.statusNote')
}

/**
 * The threshold `overloaded` is judged by (the coverage report's `overload`: per county, its
 * median demand per worker × the overload factor), for the status legend: one county's
 * figures, or the range over the counties of the view.
 */
export function overloadNote(overload: { county: string; median: number | null; threshold: number | null }[], factor: number): string {
  const known = overload.filter((o) => o.threshold !== null && o.median !== null)
  if (!known.length) return ''
  if (known.length === 1) return t('legend.overloadOne', { threshold: num(known[0].threshold!), median: num(known[0].median!), factor: num(factor, 2) })
  const ts = known.map((o) => o.threshold!)
  return t('legend.overloadMany', { min: num(Math.min(...ts)), max: num(Math.max(...ts)), factor: num(factor, 2) })
}
