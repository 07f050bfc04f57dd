/**
 * A plan's worker moves as arrows: a curved line from the old post to the new one (several
 * workers between the same two places share one arrow, labelled ×n), orange across towns,
 * blue within a town; supervisor reassignments as dashed lines from the new supervisor's base.
 */
import type { Feature, FeatureCollection, LineString, Point } from 'geojson'
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl'
import { arc, bearing } from '../lib/geo'
import type { WorkerMove } from '../lib/types'
import { FONT, reveal } from './style'

export const MOVES = 'moves'
export const MOVE_HEADS = 'move-heads'
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] }
export const MOVE_COLORS = { within: '#1357a6', across: '#d9480f' }

export function installMoves(map: MapLibreMap): void {
  map.addSource(MOVES, { type: 'geojson', data: EMPTY })
  map.addSource(MOVE_HEADS, { type: 'geojson', data: EMPTY })
  const color = ['case', ['get', 'crossTown'], MOVE_COLORS.across, MOVE_COLORS.within] as const
  map.addLayer({
    id: 'moves-casing',
    type: 'line',
    source: MOVES,
    layout: { 'line-cap': 'round' },
    paint: { 'line-color': '#ffffff', 'line-width': ['+', 4, ['min', 6, ['get', 'count']]], 'line-opacity': 0.85 },
  })
  map.addLayer({
    id: 'moves-line',
    type: 'line',
    source: MOVES,
    filter: ['!', ['get', 'dashed']],
    layout: { 'line-cap': 'round' },
    paint: { 'line-color': [...color] as never, 'line-width': ['+', 1.5, ['min', 6, ['get', 'count']]] },
  })
  map.addLayer({
    id: 'moves-line-dashed',
    type: 'line',
    source: MOVES,
    filter: ['get', 'dashed'],
    paint: { 'line-color': [...color] as never, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
  })
  map.addLayer({
    id: 'moves-head',
    type: 'symbol',
    source: MOVE_HEADS,
    layout: {
      'icon-image': 'arrowhead',
      'icon-rotate': ['get', 'bearing'],
      'icon-rotation-alignment': 'map',
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
      'icon-size': 1.1,
    },
    paint: { 'icon-color': [...color] as never, 'icon-halo-color': '#ffffff', 'icon-halo-width': 1.5 },
  })
  map.addLayer({
    id: 'moves-count',
    type: 'symbol',
    source: MOVES,
    layout: {
      'symbol-placement': 'line-center',
      'text-field': ['case', ['>', ['get', 'count'], 1], ['concat', '×', ['to-string', ['get', 'count']]], ''],
      'text-offset': [0, -1.1],
      'text-font': FONT,
      'text-size': 12,
      'text-allow-overlap': true,
    },
    paint: { 'text-color': '#111827', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
  })
}

export interface Arrow {
  from: [number, number]
  to: [number, number]
  crossTown: boolean
  count: number
  dashed?: boolean
}

/** One arrow per (from, to) pair of places. */
export function arrowsOfMoves(moves: WorkerMove[]): Arrow[] {
  const byPair = new Map<string, Arrow>()
  for (const m of moves) {
    if (!m.from.lnglat || !m.to.lnglat) continue
    const key = `${m.from.id}>${m.to.id}`
    const a = byPair.get(key)
    if (a) a.count++
    else byPair.set(key, { from: m.from.lnglat, to: m.to.lnglat, crossTown: m.crossTown, count: 1 })
  }
  return [...byPair.values()]
}

export function setArrows(map: MapLibreMap, arrows: Arrow[]): void {
  const lines: Feature<LineString>[] = []
  const heads: Feature<Point>[] = []
  for (const a of arrows) {
    const same = a.from[0] === a.to[0] && a.from[1] === a.to[1]
    if (same) continue
    const path = arc(a.from, a.to)
    lines.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: path }, properties: { crossTown: a.crossTown, count: a.count, dashed: !!a.dashed } })
    // The arrowhead sits mid-way, pointing along the curve: the symbols at both ends stay visible.
    const mid = path.length >> 1
    heads.push({ type: 'Feature', geometry: { type: 'Point', coordinates: path[mid] }, properties: { crossTown: a.crossTown, bearing: bearing(path[mid - 1], path[mid + 1]) } })
  }
  void map.getSource<GeoJSONSource>(MOVES)!.setData({ type: 'FeatureCollection', features: lines })
  void map.getSource<GeoJSONSource>(MOVE_HEADS)!.setData({ type: 'FeatureCollection', features: heads })
  if (lines.length) reveal(map, MOVES, MOVE_HEADS)
}
