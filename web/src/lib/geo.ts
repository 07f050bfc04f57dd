/** Small geometry helpers for the map: bounding boxes, label points, bearings. */
import type { Geometry, Position } from 'geojson'

export type BBox = [number, number, number, number]

/** The polygons of a geometry as lists of rings (empty for points and lines). */
function polygonsOf(g: Geometry | null | undefined): Position[][][] {
  if (!g) return []
  if (g.type === 'Polygon') return [g.coordinates]
  if (g.type === 'MultiPolygon') return g.coordinates
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(polygonsOf)
  return []
}

export function bboxOf(g: Geometry | null | undefined, into?: BBox): BBox | null {
  const b: BBox = into ?? [Infinity, Infinity, -Infinity, -Infinity]
  const add = ([x, y]: Position) => {
    if (x < b[0]) b[0] = x
    if (y < b[1]) b[1] = y
    if (x > b[2]) b[2] = x
    if (y > b[3]) b[3] = y
  }
  if (!g) return into ?? null
  if (g.type === 'Point') add(g.coordinates)
  else for (const poly of polygonsOf(g)) for (const p of poly[0]) add(p)
  return b[0] === Infinity ? null : b
}

export function unionBBox(boxes: (BBox | null | undefined)[]): BBox | null {
  let out: BBox | null = null
  for (const b of boxes) {
    if (!b) continue
    if (!out) out = [...b]
    else {
      out[0] = Math.min(out[0], b[0])
      out[1] = Math.min(out[1], b[1])
      out[2] = Math.max(out[2], b[2])
      out[3] = Math.max(out[3], b[3])
    }
  }
  return out
}

function ringArea(ring: Position[]): number {
  let a = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1])
  return Math.abs(a / 2)
}

function inside(x: number, y: number, rings: Position[][]): boolean {
  let c = false
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]
      const [xj, yj] = ring[j]
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c
    }
  }
  return c
}

function distanceToEdges(x: number, y: number, rings: Position[][], cosLat: number): number {
  let best = Infinity
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const ax = ring[j][0] * cosLat
      const ay = ring[j][1]
      const dx = ring[i][0] * cosLat - ax
      const dy = ring[i][1] - ay
      const px = x * cosLat - ax
      const py = y - ay
      const len = dx * dx + dy * dy
      const t = len ? Math.max(0, Math.min(1, (px * dx + py * dy) / len)) : 0
      const ex = px - t * dx
      const ey = py - t * dy
      const d = ex * ex + ey * ey
      if (d < best) best = d
    }
  }
  return Math.sqrt(best)
}

/**
 * A point well inside the largest polygon, where a label reads best: the best of a coarse
 * grid of candidates by distance to the nearest edge, refined once around the winner.
 */
export function labelPoint(g: Geometry | null | undefined, grid = 9): [number, number] | null {
  const polys = polygonsOf(g)
  if (!polys.length) return null
  let rings = polys[0]
  let area = -1
  for (const p of polys) {
    const a = ringArea(p[0])
    if (a > area) [area, rings] = [a, p]
  }
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of rings[0]) {
    x0 = Math.min(x0, x)
    y0 = Math.min(y0, y)
    x1 = Math.max(x1, x)
    y1 = Math.max(y1, y)
  }
  const cosLat = Math.cos((((y0 + y1) / 2) * Math.PI) / 180)
  let best: [number, number] = [(x0 + x1) / 2, (y0 + y1) / 2]
  let bestD = inside(best[0], best[1], rings) ? distanceToEdges(best[0], best[1], rings, cosLat) : -1
  const search = (cx0: number, cy0: number, w: number, h: number) => {
    for (let i = 0; i < grid; i++) {
      for (let j = 0; j < grid; j++) {
        const x = cx0 + ((i + 0.5) * w) / grid
        const y = cy0 + ((j + 0.5) * h) / grid
        if (!inside(x, y, rings)) continue
        const d = distanceToEdges(x, y, rings, cosLat)
        if (d > bestD) [bestD, best] = [d, [x, y]]
      }
    }
  }
  search(x0, y0, x1 - x0, y1 - y0)
  const [w, h] = [(x1 - x0) / grid, (y1 - y0) / grid]
  search(best[0] - w, best[1] - h, 2 * w, 2 * h)
  return best
}

/** Initial bearing from a to b in degrees clockwise from north (for arrowheads). */
export function bearing(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180
  const [l1, p1, l2, p2] = [a[0] * rad, a[1] * rad, b[0] * rad, b[1] * rad]
  const y = Math.sin(l2 - l1) * Math.cos(p2)
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(l2 - l1)
  return (Math.atan2(y, x) / rad + 360) % 360
}

/** A gently curved line from a to b (so opposite moves between two places do not overlap). */
export function arc(a: [number, number], b: [number, number], steps = 16, bend = 0.15): [number, number][] {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]]
  const [mx, my] = [(a[0] + b[0]) / 2 - dy * bend, (a[1] + b[1]) / 2 + dx * bend]
  const out: [number, number][] = []
  for (let i = 0; i <= steps; i++) {
    const t = i / steps
    const u = 1 - t
    out.push([u * u * a[0] + 2 * u * t * mx + t * t * b[0], u * u * a[1] + 2 * u * t * my + t * t * b[1]])
  }
  return out
}
