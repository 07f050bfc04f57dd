/**
 * Village polygons coloured by the chosen metric, with their outlines; hovering brightens a
 * village (feature-state `hover`; while a plan is previewed, feature-state `planStatus`
 * recolours; the hovered village's outline is drawn by hoverOutline.ts). The outlines are
 * the fill layer's own (`fill-outline-color`), not a line layer: a line layer over every
 * village doubled the tiling work before the first paint. The marks (the selected village,
 * town or county, and the villages a plan changes) live in a small source of their own, so
 * the whole city is not drawn again for a few outlines.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl'
import type { CoverageReport } from '../lib/types'
import { reveal } from './style'

export const VILLAGES = 'villages'
export const MARKS = 'marks'
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] }

const hover: ExpressionSpecification = ['boolean', ['feature-state', 'hover'], false]

/** Fill, outline and hover, below every other layer. */
export function installVillageFills(map: MapLibreMap): void {
  // A thin tile buffer (fills and hairlines need little) and a little more simplification: less tiling work.
  map.addSource(VILLAGES, { type: 'geojson', data: EMPTY, promoteId: 'code', tolerance: 0.6, buffer: 16, maxzoom: 14 })
  map.addLayer({
    id: 'villages-fill',
    type: 'fill',
    source: VILLAGES,
    paint: {
      'fill-color': '#d5d8d4',
      'fill-opacity': ['case', hover, 0.97, 0.86],
      // Thin white outlines (1 px), fainter when the villages are small on screen.
      'fill-antialias': true,
      'fill-outline-color': ['interpolate', ['linear'], ['zoom'], 7, 'rgba(255,255,255,0.3)', 10, 'rgba(255,255,255,0.85)'],
    },
  })
}

/** The marks, above the boundaries. */
export function installVillageHighlights(map: MapLibreMap): void {
  map.addSource(MARKS, { type: 'geojson', data: EMPTY })
  map.addLayer({
    id: 'marks-changed',
    type: 'line',
    source: MARKS,
    filter: ['==', ['get', 'mark'], 'changed'],
    paint: { 'line-color': '#111827', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.4, 12, 2.6], 'line-dasharray': [2, 1.2] },
  })
  map.addLayer({
    id: 'marks-selected-casing',
    type: 'line',
    source: MARKS,
    filter: ['==', ['get', 'mark'], 'selected'],
    paint: { 'line-color': '#ffffff', 'line-width': 6.5, 'line-opacity': 0.95 },
    layout: { 'line-join': 'round' },
  })
  map.addLayer({
    id: 'marks-selected',
    type: 'line',
    source: MARKS,
    filter: ['==', ['get', 'mark'], 'selected'],
    paint: { 'line-color': '#0b1320', 'line-width': 3 },
    layout: { 'line-join': 'round' },
  })
}

/** The properties the map draws and queries; the rest stays in the app state (less to copy to the worker). */
const MAP_PROPS = ['code', 'status', 'demandPerWorker', 'distanceKm', 'specialGroupMembers'] as const

/** Replaces the villages (clearing hover and preview states); resolves when the worker has them. */
export async function setVillages(map: MapLibreMap, report: CoverageReport): Promise<void> {
  const source = map.getSource<GeoJSONSource>(VILLAGES)!
  map.removeFeatureState({ source: VILLAGES })
  const features = report.villages.features.map((f) => {
    const properties: Record<string, unknown> = {}
    for (const k of MAP_PROPS) properties[k] = f.properties[k]
    return { type: 'Feature' as const, geometry: f.geometry, properties }
  })
  performance.mark('shuangbai:villages-mapped')
  await source.setData({ type: 'FeatureCollection', features } as FeatureCollection)
  reveal(map, VILLAGES, MARKS)
}

export interface Mark {
  geometry: Geometry | null | undefined
  mark: 'selected' | 'changed'
  /** The division marked. */
  code: string
}

export function setMarks(map: MapLibreMap, marks: Mark[]): void {
  const features: Feature[] = marks.filter((m) => m.geometry).map((m) => ({ type: 'Feature', geometry: m.geometry!, properties: { mark: m.mark, code: m.code } }))
  void map.getSource<GeoJSONSource>(MARKS)!.setData({ type: 'FeatureCollection', features })
}
