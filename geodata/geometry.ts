/**
 * Planar geometry on [lng, lat] degrees, as the partitioner needs it. Rings are kept
 * open internally (no repeated closing point); a polygon is [shell, ...holes] with the
 * shell counter-clockwise and holes clockwise (RFC 7946 right-hand rule).
 */
import type { MultiPolygon } from 'geojson'

export type Pt = [number, number]
/** An open ring: the closing point is implied. */
export type Ring = Pt[]
/** [shell, ...holes] */
export type Poly = Ring[]
export type MultiPoly = Poly[]

/** Twice the signed area of triangle abc: > 0 when a, b, c turn counter-clockwise. */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
}

/** Signed area of an open ring (> 0 counter-clockwise), in square degrees. */
export function ringArea(ring: Ring): number {
  const n = ring.length
  if (n < 3) return 0
  // Shoelace relative to the first point, for precision far from the origin.
  const [x0, y0] = ring[0]
  let s = 0
  for (let i = 1; i + 1 < n; i++) {
    s += orient(x0, y0, ring[i][0], ring[i][1], ring[i + 1][0], ring[i + 1][1])
  }
  return s / 2
}

/** Area of a polygon with holes, in square degrees. */
export function polyArea(poly: Poly): number {
  let a = 0
  for (const ring of poly) a += ringArea(ring)
  return a
}

/** Area of a multipolygon, in square degrees. */
export function multiArea(mp: MultiPoly): number {
  let a = 0
  for (const p of mp) a += polyArea(p)
  return a
}

/** Area-weighted centroid of a polygon (holes subtracted). */
export function polyCentroid(poly: Poly): Pt {
  const [x0, y0] = poly[0][0]
  let sx = 0
  let sy = 0
  let sa = 0
  for (const ring of poly) {
    for (let i = 0; i < ring.length; i++) {
      const p = ring[i]
      const q = ring[(i + 1) % ring.length]
      const px = p[0] - x0
      const py = p[1] - y0
      const qx = q[0] - x0
      const qy = q[1] - y0
      const c = px * qy - qx * py
      sa += c
      sx += (px + qx) * c
      sy += (py + qy) * c
    }
  }
  if (sa === 0) return [poly[0][0][0], poly[0][0][1]]
  return [x0 + sx / (3 * sa), y0 + sy / (3 * sa)]
}

/** Even-odd test of a point against one ring. */
export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]
    const [xj, yj] = ring[j]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Whether a point lies inside a polygon (inside its shell and outside its holes). */
export function pointInPoly(x: number, y: number, poly: Poly): boolean {
  if (!pointInRing(x, y, poly[0])) return false
  for (let h = 1; h < poly.length; h++) if (pointInRing(x, y, poly[h])) return false
  return true
}

/** Whether a point lies inside any polygon of a multipolygon. */
export function pointInMulti(x: number, y: number, mp: MultiPoly): boolean {
  for (const p of mp) if (pointInPoly(x, y, p)) return true
  return false
}

export interface BBox {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

/** Bounding box of a multipolygon. */
export function multiBBox(mp: MultiPoly): BBox {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity }
  for (const poly of mp) {
    for (const [x, y] of poly[0]) {
      if (x < b.minX) b.minX = x
      if (x > b.maxX) b.maxX = x
      if (y < b.minY) b.minY = y
      if (y > b.maxY) b.maxY = y
    }
  }
  return b
}

/**
 * A point guaranteed inside the polygon, near its centre: the centroid when it lies
 * inside, else the middle of the widest inside span of a horizontal line through it.
 */
export function pointOnSurface(poly: Poly): Pt {
  const c = polyCentroid(poly)
  if (pointInPoly(c[0], c[1], poly)) return c
  let ys = [c[1]]
  // A few alternative scan lines in case the centroid's line only grazes the polygon.
  const b = multiBBox([poly])
  for (const f of [0.5, 0.35, 0.65, 0.2, 0.8]) ys.push(b.minY + f * (b.maxY - b.minY))
  ys = ys.map((y) => y + (b.maxY - b.minY) * 1.234567e-7)
  let best: Pt | null = null
  let bestWidth = -1
  for (const y of ys) {
    const xs: number[] = []
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]
        const [xj, yj] = ring[j]
        if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi)
      }
    }
    xs.sort((p, q) => p - q)
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const w = xs[k + 1] - xs[k]
      const mid: Pt = [(xs[k] + xs[k + 1]) / 2, y]
      if (w > bestWidth && pointInPoly(mid[0], mid[1], poly)) {
        bestWidth = w
        best = mid
      }
    }
    if (best) break
  }
  return best ?? [poly[0][0][0], poly[0][0][1]]
}

/** The polygon of largest area (the "main piece") of a multipolygon. */
export function largestPoly(mp: MultiPoly): Poly {
  let best = mp[0]
  let bestArea = -Infinity
  for (const p of mp) {
    const a = polyArea(p)
    if (a > bestArea) {
      bestArea = a
      best = p
    }
  }
  return best
}

/** Removes consecutive duplicate points (including a repeated closing point). */
export function dedupeRing(ring: Ring): Ring {
  const out: Ring = []
  for (const p of ring) {
    const last = out[out.length - 1]
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p)
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop()
  return out
}

/** Converts internal rings to a GeoJSON MultiPolygon (closed rings). */
export function toGeoJSON(mp: MultiPoly): MultiPolygon {
  return {
    type: 'MultiPolygon',
    coordinates: mp.map((poly) => poly.map((ring) => [...ring.map((p) => [p[0], p[1]]), [ring[0][0], ring[0][1]]])),
  }
}

/** Converts a GeoJSON MultiPolygon to internal open rings (orientation untouched). */
export function fromGeoJSON(g: MultiPolygon): MultiPoly {
  return g.coordinates.map((poly) => poly.map((ring) => dedupeRing(ring.map((p) => [p[0], p[1]] as Pt))))
}

/** Squared distance between two points in degrees (for nearest-neighbour choices only). */
export function dist2(a: Pt, b: Pt): number {
  const dx = a[0] - b[0]
  const dy = a[1] - b[1]
  return dx * dx + dy * dy
}

/** Great-circle distance in metres (haversine on a 6,371 km sphere). */
export function metres(a: Pt, b: Pt): number {
  const r = Math.PI / 180
  const dLat = (b[1] - a[1]) * r
  const dLng = (b[0] - a[0]) * r
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dLng / 2) ** 2
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * Fast repeated point-in-multipolygon tests: edges bucketed into horizontal bands, so a
 * test only crosses the edges of its band (even-odd rule over all rings, which equals
 * pointInMulti for valid polygons).
 */
export class PointLocator {
  private readonly minY: number
  private readonly bandH: number
  private readonly bands: number[][] // per band: x1, y1, x2, y2, ... of its edges
  readonly bbox: BBox

  constructor(mp: MultiPoly) {
    this.bbox = multiBBox(mp)
    let edges = 0
    for (const poly of mp) for (const ring of poly) edges += ring.length
    const n = Math.max(1, Math.min(1024, Math.ceil(edges / 8)))
    this.minY = this.bbox.minY
    this.bandH = (this.bbox.maxY - this.bbox.minY) / n || 1
    this.bands = Array.from({ length: n }, () => [])
    for (const poly of mp) {
      for (const ring of poly) {
        for (let i = 0; i < ring.length; i++) {
          const [x1, y1] = ring[i]
          const [x2, y2] = ring[(i + 1) % ring.length]
          const b0 = this.band(Math.min(y1, y2))
          const b1 = this.band(Math.max(y1, y2))
          for (let b = b0; b <= b1; b++) this.bands[b].push(x1, y1, x2, y2)
        }
      }
    }
  }

  private band(y: number): number {
    return Math.max(0, Math.min(this.bands.length - 1, Math.floor((y - this.minY) / this.bandH)))
  }

  /** Whether (x, y) lies inside the multipolygon. */
  contains(x: number, y: number): boolean {
    const b = this.bbox
    if (x < b.minX || x > b.maxX || y < b.minY || y > b.maxY) return false
    const e = this.bands[this.band(y)]
    let inside = false
    for (let i = 0; i < e.length; i += 4) {
      const yi = e[i + 1]
      const yj = e[i + 3]
      if (yi > y !== yj > y && x < ((e[i + 2] - e[i]) * (y - yi)) / (yj - yi) + e[i]) inside = !inside
    }
    return inside
  }
}
