/** County and town outlines, drawn above the village fills and below the highlights. */
import { isWithin } from '../../../geodata/codes'
import type { FeatureCollection } from 'geojson'
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl'
import { reveal } from './style'

export const COUNTIES = 'counties'
export const TOWNS = 'towns'
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] }

export function installBoundaries(map: MapLibreMap): void {
  map.addSource(TOWNS, { type: 'geojson', data: EMPTY, promoteId: 'code' })
  map.addSource(COUNTIES, { type: 'geojson', data: EMPTY, promoteId: 'code' })
  map.addLayer({
    id: 'towns-line',
    type: 'line',
    source: TOWNS,
    paint: {
      'line-color': ['case', ['boolean', ['get', 'inView'], true], '#3f4a57', '#a3abb3'],
      'line-opacity': ['interpolate', ['linear'], ['zoom'], 7, 0.45, 10, 0.85],
      'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.5, 10, 1.3, 13, 2],
    },
  })
  // Counties of the view drawn strong; the neighbours around a county view faint.
  const inView: ExpressionSpecification = ['boolean', ['get', 'inView'], true]
  map.addLayer({
    id: 'counties-casing',
    type: 'line',
    source: COUNTIES,
    filter: inView,
    paint: { 'line-color': '#ffffff', 'line-opacity': 0.8, 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 3.5, 11, 6] },
  })
  map.addLayer({
    id: 'counties-line',
    type: 'line',
    source: COUNTIES,
    paint: {
      'line-color': ['case', inView, '#1c2530', '#8a939c'],
      'line-width': ['interpolate', ['linear'], ['zoom'], 7, ['case', inView, 1.4, 0.8], 11, ['case', inView, 2.6, 1.2]],
    },
  })
}

/** Sets the outlines; `inView` (a code prefix) marks the ones of the view, the others are drawn faint. */
export function setBoundaries(map: MapLibreMap, which: typeof COUNTIES | typeof TOWNS, data: FeatureCollection | null, inView = ''): void {
  const marked = data && {
    ...data,
    features: data.features.map((f) => {
      const code = String(f.properties?.code ?? '')
      return { ...f, properties: { ...f.properties, inView: isWithin(code, inView) || isWithin(inView, code) } }
    }),
  }
  void map.getSource<GeoJSONSource>(which)!.setData(marked ?? EMPTY)
  if (marked?.features.length) reveal(map, which)
}
