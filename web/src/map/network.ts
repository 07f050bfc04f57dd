/**
 * The programme's network on the map: grid units outlined in distinct colours (neighbours
 * differ), stations and service points as symbols with their names at closer zooms.
 */
import type { FeatureCollection } from 'geojson'
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl'
import { bboxOf, type BBox } from '../lib/geo'
import type { GridUnits, ServicePoints, Stations } from '../lib/types'
import { FONT, reveal } from './style'
import { POINT_COLOR, STATION_COLOR } from './icons'

export const GRID_UNITS = 'grid-units'
export const STATIONS = 'stations'
export const POINTS = 'service-points'
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] }

/** Outline colours of grid units: dark enough to read over every fill colour. */
export const GRID_PALETTE = ['#1d4ed8', '#c2410c', '#047857', '#a21caf', '#0e7490', '#a16207', '#4338ca', '#be123c']

/**
 * A colour per grid unit so that units whose boxes touch differ (greedy colouring on
 * box adjacency, a superset of shared borders; with more neighbours than colours, the
 * least used colour among them).
 */
export function colourGridUnits(units: GridUnits): Map<string, number> {
  const boxes: { id: string; box: BBox }[] = []
  for (const f of units.features) {
    const box = bboxOf(f.geometry)
    if (box) boxes.push({ id: f.properties.id, box })
  }
  const eps = 1e-6
  const touch = (a: BBox, b: BBox) => a[0] <= b[2] + eps && b[0] <= a[2] + eps && a[1] <= b[3] + eps && b[1] <= a[3] + eps
  // Most-constrained first: units with the most neighbours get their colour earliest.
  const neighbours = boxes.map((a, i) => boxes.flatMap((b, j) => (i !== j && touch(a.box, b.box) ? [j] : [])))
  const order = boxes.map((_, i) => i).sort((a, b) => neighbours[b].length - neighbours[a].length)
  const colour = new Array<number>(boxes.length).fill(-1)
  for (const i of order) {
    const used = new Map<number, number>()
    for (const j of neighbours[i]) if (colour[j] >= 0) used.set(colour[j], (used.get(colour[j]) ?? 0) + 1)
    let pick = GRID_PALETTE.findIndex((_, c) => !used.has(c))
    if (pick < 0) pick = [...used.entries()].sort((a, b) => a[1] - b[1])[0][0]
    colour[i] = pick
  }
  return new Map(boxes.map((b, i) => [b.id, colour[i]]))
}

export function installGridUnits(map: MapLibreMap): void {
  map.addSource(GRID_UNITS, { type: 'geojson', data: EMPTY, promoteId: 'id' })
  map.addLayer({
    id: 'grid-units-line',
    type: 'line',
    source: GRID_UNITS,
    minzoom: 9,
    paint: {
      'line-color': ['to-color', ['get', 'color'], '#1d4ed8'],
      'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1, 12, 2.6],
      'line-opacity': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 10.5, 0.9],
    },
    layout: { 'line-join': 'round' },
  })
}

export function installNetworkSymbols(map: MapLibreMap): void {
  map.addSource(POINTS, { type: 'geojson', data: EMPTY, promoteId: 'id' })
  map.addSource(STATIONS, { type: 'geojson', data: EMPTY, promoteId: 'id' })
  const selectedRing = (id: string, source: string, minzoom: number) =>
    map.addLayer({
      id,
      type: 'circle',
      source,
      minzoom,
      paint: {
        'circle-radius': 15,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#0b1320',
        'circle-stroke-width': 3,
        'circle-stroke-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0],
      },
    })
  selectedRing('service-points-selected', POINTS, 9)
  selectedRing('stations-selected', STATIONS, 7)
  map.addLayer({
    id: 'service-points',
    type: 'symbol',
    source: POINTS,
    minzoom: 9.5,
    layout: {
      'icon-image': 'service-point',
      'icon-size': ['interpolate', ['linear'], ['zoom'], 9.5, 0.75, 13, 1.1],
      'icon-allow-overlap': true,
      'text-field': ['step', ['zoom'], '', 12.5, ['get', 'name']],
      'text-font': FONT,
      'text-size': 11,
      'text-offset': [0, 1.1],
      'text-anchor': 'top',
      'text-optional': true,
    },
    paint: { 'text-color': POINT_COLOR, 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
  })
  map.addLayer({
    id: 'stations',
    type: 'symbol',
    source: STATIONS,
    minzoom: 7,
    layout: {
      'icon-image': 'station',
      'icon-size': ['interpolate', ['linear'], ['zoom'], 7, 0.5, 9, 0.7, 11, 0.95, 13, 1.15],
      'icon-allow-overlap': true,
      'symbol-sort-key': 1,
      'text-field': ['step', ['zoom'], '', 11, ['get', 'name']],
      'text-font': FONT,
      'text-size': 12,
      'text-offset': [0, 1.2],
      'text-anchor': 'top',
      'text-optional': true,
    },
    paint: { 'text-color': STATION_COLOR, 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
  })
}

export function setGridUnits(map: MapLibreMap, units: GridUnits | null): void {
  const colours = units ? colourGridUnits(units) : new Map()
  const data = units
    ? { ...units, features: units.features.filter((f) => f.geometry).map((f) => ({ ...f, properties: { ...f.properties, color: GRID_PALETTE[colours.get(f.properties.id) ?? 0] } })) }
    : EMPTY
  void map.getSource<GeoJSONSource>(GRID_UNITS)!.setData(data as FeatureCollection)
  if (units?.features.length) reveal(map, GRID_UNITS)
}

export function setNetwork(map: MapLibreMap, stations: Stations | null, points: ServicePoints | null): void {
  map.removeFeatureState({ source: STATIONS })
  map.removeFeatureState({ source: POINTS })
  void map.getSource<GeoJSONSource>(STATIONS)!.setData((stations ?? EMPTY) as FeatureCollection)
  void map.getSource<GeoJSONSource>(POINTS)!.setData((points ?? EMPTY) as FeatureCollection)
  if (stations?.features.length || points?.features.length) reveal(map, STATIONS, POINTS)
}
