/**
 * The village metrics the map colours by, their classes and colours. Pure: the legend,
 * the fill expression, the hover card and the histogram all read the same scale, so a
 * class means the same thing everywhere.
 *
 *  - status: the gap status of the coverage analysis (categorical);
 *  - demandPerWorker: the grid unit's weighted demand per service worker, in classes around
 *    the scope's median; the top class starts at the overload threshold (overloadFactor × median);
 *  - distanceKm: straight-line distance to the service point; the top class is beyond the
 *    `far` threshold (distanceKm);
 *  - specialGroupMembers: members of the seven special groups, in quintiles.
 */
import type { ExpressionSpecification } from 'maplibre-gl'
import type { CoverageReport, CoverageStatus, VillageCoverage } from '../lib/types'

export type MetricId = 'status' | 'demandPerWorker' | 'distanceKm' | 'specialGroupMembers'
export const METRIC_IDS: readonly MetricId[] = ['status', 'demandPerWorker', 'distanceKm', 'specialGroupMembers']

export const STATUS_COLORS: Record<CoverageStatus, string> = {
  uncovered: '#c8372d',
  far: '#ec8f2d',
  overloaded: '#8a4fb0',
  ok: '#45a98c',
}
/** Villages without a value (no grid unit, no service point, no worker). */
export const NONE_COLOR = '#b9bcc2'

const RAMPS: Record<Exclude<MetricId, 'status'>, string[]> = {
  demandPerWorker: ['#2f6fae', '#93c2dd', '#efece0', '#f2a57e', '#b8262f'],
  distanceKm: ['#1f8f4e', '#8ccb6a', '#e3ee95', '#f8c66a', '#cf3a2b'],
  specialGroupMembers: ['#e3e0f0', '#c4c1df', '#9d97c7', '#7661ae', '#512a8a'],
}

export interface MetricClass {
  color: string
  /** Lower bound (inclusive) and upper bound (exclusive) of a numeric class; null = open. */
  min: number | null
  max: number | null
  /** The status of a categorical class. */
  status?: CoverageStatus
  /** Villages without a value. */
  none?: boolean
  count: number
}

export interface MetricScale {
  id: MetricId
  property: keyof VillageCoverage
  classes: MetricClass[]
  /** For numeric metrics: the class boundaries, ascending. */
  breaks: number[]
  /** Extra reference values for the legend (e.g. the median). */
  reference: { median?: number | null; threshold?: number | null }
}

/** Rounds to two significant digits, for legend-friendly class boundaries. */
export function nice(x: number): number {
  if (x <= 0) return 0
  const p = 10 ** (Math.floor(Math.log10(x)) - 1)
  return Math.round(x / p) * p
}

function quantiles(values: number[], parts: number): number[] {
  const s = [...values].sort((a, b) => a - b)
  const out: number[] = []
  for (let i = 1; i < parts; i++) out.push(s[Math.min(s.length - 1, Math.floor((i * s.length) / parts))])
  return out
}

const ascendingUnique = (xs: number[]) => [...new Set(xs.filter((x) => Number.isFinite(x)))].sort((a, b) => a - b)

export function metricValue(id: MetricId, v: VillageCoverage): number | string | null {
  return id === 'status' ? v.status : (v[id] as number | null)
}

/** The scale of a metric over a coverage report (class boundaries and counts). */
export function scaleFor(id: MetricId, report: CoverageReport): MetricScale {
  const villages = report.villages.features.map((f) => f.properties)
  if (id === 'status') {
    const classes: MetricClass[] = (['uncovered', 'far', 'overloaded', 'ok'] as CoverageStatus[]).map((s) => ({
      color: STATUS_COLORS[s],
      min: null,
      max: null,
      status: s,
      count: villages.filter((v) => v.status === s).length,
    }))
    return { id, property: 'status', classes, breaks: [], reference: {} }
  }
  let breaks: number[]
  const reference: MetricScale['reference'] = {}
  const values = villages.map((v) => v[id]).filter((x): x is number => x !== null)
  if (id === 'demandPerWorker') {
    const m = report.medianDemandPerWorker ?? (values.length ? quantiles(values, 2)[0] : 1)
    const f = report.params.overloadFactor
    breaks = ascendingUnique([nice(0.7 * m), nice(0.9 * m), nice(1.1 * m), Math.round(f * m * 100) / 100])
    reference.median = m
    reference.threshold = f * m
  } else if (id === 'distanceKm') {
    const T = report.params.distanceKm
    breaks = ascendingUnique([0.2 * T, 0.4 * T, 0.6 * T, T].map((x) => Math.round(x * 100) / 100))
    reference.threshold = T
  } else {
    breaks = values.length ? ascendingUnique(quantiles(values, 5).map(nice)).filter((b) => b > 0) : []
  }
  const ramp = RAMPS[id]
  // With fewer breaks than the ramp needs (tiny scopes), use the ramp's ends first.
  const colors = breaks.length + 1 >= ramp.length ? ramp : pickSpread(ramp, breaks.length + 1)
  const classes: MetricClass[] = colors.map((color, i) => ({ color, min: i === 0 ? null : breaks[i - 1], max: i === breaks.length ? null : breaks[i], count: 0 }))
  const none: MetricClass = { color: NONE_COLOR, min: null, max: null, none: true, count: 0 }
  for (const v of villages) {
    const x = v[id] as number | null
    if (x === null) none.count++
    else classes[classIndex(breaks, x)].count++
  }
  if (none.count) classes.push(none)
  return { id, property: id, classes, breaks, reference }
}

function pickSpread<T>(xs: T[], n: number): T[] {
  if (n <= 1) return [xs[Math.floor(xs.length / 2)]]
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))])
}

function classIndex(breaks: number[], x: number): number {
  let i = 0
  while (i < breaks.length && x >= breaks[i]) i++
  return i
}

/** The class of one village's value. */
export function classify(scale: MetricScale, v: VillageCoverage, statusOverride?: CoverageStatus): MetricClass {
  if (scale.id === 'status') {
    const s = statusOverride ?? v.status
    return scale.classes.find((c) => c.status === s)!
  }
  const x = v[scale.property] as number | null
  if (x === null) return scale.classes.find((c) => c.none) ?? { color: NONE_COLOR, min: null, max: null, none: true, count: 0 }
  return scale.classes[classIndex(scale.breaks, x)]
}

/**
 * The fill-color expression of a scale. For `status`, a feature-state `planStatus` (set
 * while previewing a plan) overrides the village's current status.
 */
export function fillColor(scale: MetricScale): ExpressionSpecification {
  if (scale.id === 'status') {
    return [
      'match',
      ['coalesce', ['feature-state', 'planStatus'], ['get', 'status']],
      'uncovered',
      STATUS_COLORS.uncovered,
      'far',
      STATUS_COLORS.far,
      'overloaded',
      STATUS_COLORS.overloaded,
      STATUS_COLORS.ok,
    ]
  }
  const numeric = scale.classes.filter((c) => !c.none)
  const stops: (number | string)[] = []
  numeric.slice(1).forEach((c, i) => stops.push(scale.breaks[i], c.color))
  const value: ExpressionSpecification = ['to-number', ['get', scale.property], 0]
  const step: ExpressionSpecification | string = stops.length ? (['step', value, numeric[0].color, ...stops] as ExpressionSpecification) : numeric[0].color
  return ['case', ['==', ['get', scale.property], null], NONE_COLOR, step] as ExpressionSpecification
}
