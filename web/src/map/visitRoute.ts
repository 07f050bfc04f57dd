/**
 * A supervisor's visit route: the legs of the plan under review as lines (base → station,
 * station → station when one visit follows the next, station → base), and each station as a
 * numbered stop in visit order, with the base as a square. Fitted into view when shown.
 */
import type { Feature, FeatureCollection, LineString, Point } from 'geojson'
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl'
import { FONT, FONT_BOLD, reveal } from './style'

export const ROUTE = 'visit-route'
export const ROUTE_STOPS = 'visit-stops'
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] }
export const ROUTE_COLOR = '#1357a6'

export function installVisitRoute(map: MapLibreMap): void {
  map.addSource(ROUTE, { type: 'geojson', data: EMPTY })
  map.addSource(ROUTE_STOPS, { type: 'geojson', data: EMPTY })
  map.addLayer({ id: 'visit-route-casing', type: 'line', source: ROUTE, layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 6 } })
  map.addLayer({ id: 'visit-route-line', type: 'line', source: ROUTE, layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': ROUTE_COLOR, 'line-width': 3 } })
  map.addLayer({
    id: 'visit-stops-circle',
    type: 'circle',
    source: ROUTE_STOPS,
    paint: { 'circle-radius': ['case', ['get', 'base'], 7, 11], 'circle-color': ['case', ['get', 'base'], '#111827', ROUTE_COLOR], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
  })
  map.addLayer({
    id: 'visit-stops-label',
    type: 'symbol',
    source: ROUTE_STOPS,
    layout: { 'text-field': ['get', 'label'], 'text-font': FONT_BOLD, 'text-size': 12, 'text-allow-overlap': true, 'text-ignore-placement': true },
    paint: { 'text-color': '#ffffff' },
  })
  map.addLayer({
    id: 'visit-stops-name',
    type: 'symbol',
    source: ROUTE_STOPS,
    layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 12, 'text-offset': [0, 1.4], 'text-anchor': 'top', 'text-optional': true },
    paint: { 'text-color': '#111827', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
  })
}

export interface RouteStop {
  lnglat: [number, number]
  order: number
  name: string
  stationId: string
}

export interface VisitRoute {
  legs: Array<{ from: number[]; to: number[] }>
  stops: RouteStop[]
  base: number[] | null
}

/** Draws the route (or clears it with null) and fits it into view. */
export function setVisitRoute(map: MapLibreMap, route: VisitRoute | null): void {
  const lines: Feature<LineString>[] = (route?.legs ?? []).map((l) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: [l.from, l.to] }, properties: {} }))
  const stops: Feature<Point>[] = (route?.stops ?? []).map((s) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: s.lnglat },
    properties: { base: false, label: String(s.order), name: s.name, order: s.order, stationId: s.stationId },
  }))
  if (route?.base) stops.push({ type: 'Feature', geometry: { type: 'Point', coordinates: route.base }, properties: { base: true, label: '', name: '', order: 0, stationId: '' } })
  void map.getSource<GeoJSONSource>(ROUTE)!.setData({ type: 'FeatureCollection', features: lines })
  void map.getSource<GeoJSONSource>(ROUTE_STOPS)!.setData({ type: 'FeatureCollection', features: stops })
  if (!stops.length) return
  reveal(map, ROUTE, ROUTE_STOPS)
  const xs = stops.map((s) => s.geometry.coordinates[0])
  const ys = stops.map((s) => s.geometry.coordinates[1])
  map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding: 80, maxZoom: 12, duration: 0 })
}
