/**
 * Chinese place labels (county, town, village) that stay readable: native MapLibre symbol
 * layers, so collisions are resolved by the map (bigger places win: symbol-sort-key), each
 * level appears at the zooms where it fits, with a white halo over any fill colour.
 * Label points are computed here (a point well inside the largest polygon part).
 */
import type { Feature, FeatureCollection, Geometry, Point } from 'geojson'
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl'
import { labelPoint } from '../lib/geo'
import { FONT, FONT_BOLD, reveal } from './style'

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] }
export const LABELS = { county: 'county-labels', town: 'town-labels', village: 'village-labels' } as const
export type LabelLevel = keyof typeof LABELS

export function installLabels(map: MapLibreMap, level: LabelLevel): void {
  map.addSource(LABELS[level], { type: 'geojson', data: EMPTY })
  const halo = { 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.6, 'text-halo-blur': 0.3 }
  if (level === 'village') map.addLayer({
    id: 'village-labels',
    type: 'symbol',
    source: LABELS.village,
    minzoom: 11,
    layout: {
      'text-field': ['get', 'name'],
      'text-font': FONT,
      'text-size': ['interpolate', ['linear'], ['zoom'], 11, 10.5, 14, 13],
      'text-max-width': 6,
      'text-padding': 3,
      'text-variable-anchor': ['center', 'top', 'bottom'],
      'text-radial-offset': 0.9,
      'symbol-sort-key': ['-', 0, ['get', 'rank']],
    },
    paint: { 'text-color': '#1f2933', ...halo },
  })
  if (level === 'town') map.addLayer({
    id: 'town-labels',
    type: 'symbol',
    source: LABELS.town,
    minzoom: 8.2,
    maxzoom: 13,
    layout: {
      'text-field': ['get', 'name'],
      'text-font': FONT_BOLD,
      'text-size': ['interpolate', ['linear'], ['zoom'], 8, 11, 11, 14],
      'text-max-width': 7,
      'text-padding': 4,
      'symbol-sort-key': ['-', 0, ['get', 'rank']],
    },
    paint: { 'text-color': '#27313d', ...halo },
  })
  if (level === 'county') map.addLayer({
    id: 'county-labels',
    type: 'symbol',
    source: LABELS.county,
    maxzoom: 10.5,
    layout: {
      'text-field': ['get', 'name'],
      'text-font': FONT_BOLD,
      'text-size': ['interpolate', ['linear'], ['zoom'], 6, 13, 10, 18],
      'text-letter-spacing': 0.08,
      'text-padding': 6,
      'symbol-sort-key': ['-', 0, ['get', 'rank']],
    },
    paint: { 'text-color': '#111827', 'text-halo-color': 'rgba(255,255,255,0.95)', 'text-halo-width': 2.2 },
  })
}

/** Label points of polygon features: name and rank (population: bigger places win collisions). */
export function labelFeatures(features: Feature<Geometry | null, { code: string; name: string; population?: number }>[]): FeatureCollection<Point> {
  const out: Feature<Point>[] = []
  for (const f of features) {
    const at = labelPoint(f.geometry, 7)
    if (!at) continue
    out.push({ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: { code: f.properties.code, name: f.properties.name, rank: f.properties.population ?? 0 } })
  }
  return { type: 'FeatureCollection', features: out }
}

export function setLabels(map: MapLibreMap, level: LabelLevel, data: FeatureCollection | null): void {
  void map.getSource<GeoJSONSource>(LABELS[level])!.setData(data ?? EMPTY)
  if (data?.features.length) reveal(map, LABELS[level])
}
