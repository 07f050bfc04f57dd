/**
 * What the rest of the app knows of the map: the control CoverageMap hands over when it is
 * ready, what the pointer is over, where a selection lies, and when a division's villages
 * are on screen (the panels wait for that: the map is what the user waits for).
 */
import type { FeatureCollection } from 'geojson'
import { bboxOf, unionBBox, type BBox } from './geo'
import { isWithin } from '../../../geodata/codes'
import type { Selection } from './selection'
import type { CoverageReport, DivisionChildren, VillageFeature } from './types'

/** What the map offers the rest of the app (set by CoverageMap when it is ready). */
export interface MapControl {
  /** Starts drawing a coverage report (before the panels render it); false when the map is not ready. */
  showCoverage(report: CoverageReport): boolean
  fitBBox(bbox: BBox, maxZoom?: number): void
  flyToPoint(lnglat: [number, number], zoom?: number): void
  /** The map as a PNG with the title and the legend drawn on it. */
  exportPng(): Promise<Blob>
}

export interface HoverInfo {
  kind: 'village' | 'station' | 'point'
  id: string
  x: number
  y: number
}

/** The data of the view in which a selection is looked up. */
export interface ViewFeatures {
  coverage: CoverageReport | null
  villageByCode: Map<string, VillageFeature>
  towns: DivisionChildren | null
  counties: DivisionChildren | null
  stations: FeatureCollection | null
  points: FeatureCollection | null
}

/** The position of a selected station or service point, when the view has it. */
export function selectionPoint(sel: Selection, view: ViewFeatures): [number, number] | null {
  const fc = sel.kind === 'station' ? view.stations : sel.kind === 'point' ? view.points : null
  const f = fc?.features.find((x) => x.properties?.id === sel.id)
  return f?.geometry?.type === 'Point' ? (f.geometry.coordinates as [number, number]) : null
}

/** The bounding box of a selection, when the data of the view knows it. */
export function selectionBBox(sel: Selection, view: ViewFeatures): BBox | null {
  if (sel.kind === 'village') return bboxOf(view.villageByCode.get(sel.id)?.geometry)
  if (sel.kind === 'town' || sel.kind === 'county') {
    const outline = (sel.kind === 'town' ? view.towns : view.counties)?.features.find((f) => f.properties.code === sel.id)
    if (outline) return bboxOf(outline.geometry)
    return unionBBox((view.coverage?.villages.features ?? []).filter((f) => isWithin(f.properties.code, sel.id)).map((f) => bboxOf(f.geometry)))
  }
  const point = selectionPoint(sel, view)
  return point ? [point[0], point[1], point[0], point[1]] : null
}

/** Waiters for "the villages of division `code` are drawn" (the map calls `mark`). */
export class DrawnSignal {
  private waiters: { code: string; resolve: () => void }[] = []

  /** Wakes everyone waiting for `code`. */
  mark(code: string): void {
    this.waiters = this.waiters.filter((w) => (w.code === code ? (w.resolve(), false) : true))
  }

  /** Resolves when `mark(code)` is called, or after a few seconds (no map, or it failed). */
  wait(code: string): Promise<void> {
    return new Promise((resolve) => {
      const waiter = { code, resolve }
      this.waiters.push(waiter)
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        resolve()
      }, 4000)
    })
  }
}
