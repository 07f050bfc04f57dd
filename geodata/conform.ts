/**
 * Makes shared boundaries carry the same vertices on both sides, across all levels.
 *
 * Within one partition neighbours already share coordinates exactly. Across partitions
 * they do not: two towns of different counties each have their own crossing points on
 * the county border, a town's ring lacks the points where its villages meet its border,
 * and so on. Each such point lies on the other polygon's segment up to rounding (~1e-16°),
 * a "T-junction" that GEOS overlays (ST_Intersection, ST_Union) may reject as a
 * non-noded intersection. Here every vertex found within TOLERANCE of another ring's
 * segment (strictly inside it) is inserted into that segment, so all rings that run
 * along a boundary end up with identical vertex sequences.
 */
import type { MultiPoly, Pt } from './geometry.js'

/**
 * Distance (degrees, ≈ 1 µm) under which a vertex counts as lying on a segment: a
 * thousand times the rounding of a computed crossing (~1e-14° at 113°E), far below the
 * spacing of real features. A vertex is never inserted into a ring that already has it.
 */
const TOLERANCE = 1e-11
const CELL = 1 / 256

/** Inserts into every segment the vertices (of any of the polygons) that lie on it. */
export function conformRings(all: MultiPoly[]): MultiPoly[] {
  const xs: number[] = []
  const ys: number[] = []
  const grid = new Map<number, number[]>()
  const cellKey = (ix: number, iy: number) => ix * 1048576 + iy
  for (const mp of all) {
    for (const poly of mp) {
      for (const ring of poly) {
        for (const p of ring) {
          // Shared vertices are indexed once per ring that has them; hits are de-duplicated below.
          const id = xs.length
          xs.push(p[0])
          ys.push(p[1])
          const ck = cellKey(Math.floor(p[0] / CELL), Math.floor(p[1] / CELL))
          const list = grid.get(ck)
          if (list) list.push(id)
          else grid.set(ck, [id])
        }
      }
    }
  }
  const onSegment = (a: Pt, b: Pt, ring: Pt[]): Pt[] => {
    const dx = b[0] - a[0]
    const dy = b[1] - a[1]
    const len2 = dx * dx + dy * dy
    if (len2 === 0) return []
    const len = Math.sqrt(len2)
    const hits: { t: number; p: Pt }[] = []
    const x0 = Math.floor((Math.min(a[0], b[0]) - TOLERANCE) / CELL)
    const x1 = Math.floor((Math.max(a[0], b[0]) + TOLERANCE) / CELL)
    const y0 = Math.floor((Math.min(a[1], b[1]) - TOLERANCE) / CELL)
    const y1 = Math.floor((Math.max(a[1], b[1]) + TOLERANCE) / CELL)
    for (let ix = x0; ix <= x1; ix++) {
      for (let iy = y0; iy <= y1; iy++) {
        for (const id of grid.get(cellKey(ix, iy)) ?? []) {
          const px = xs[id]
          const py = ys[id]
          if ((px === a[0] && py === a[1]) || (px === b[0] && py === b[1])) continue
          const t = ((px - a[0]) * dx + (py - a[1]) * dy) / len2
          if (t <= 0 || t >= 1) continue
          const dist = Math.abs((px - a[0]) * dy - (py - a[1]) * dx) / len
          if (dist <= TOLERANCE) hits.push({ t, p: [px, py] })
        }
      }
    }
    if (hits.length === 0) return []
    hits.sort((u, v) => u.t - v.t)
    const out: Pt[] = []
    for (const { p } of hits) {
      const last = out[out.length - 1]
      if (last && last[0] === p[0] && last[1] === p[1]) continue
      if (ring.some((q) => q[0] === p[0] && q[1] === p[1])) continue // never a vertex twice
      out.push(p)
    }
    return out
  }
  return all.map((mp) =>
    mp.map((poly) =>
      poly.map((ring) => {
        const out: Pt[] = []
        for (let i = 0; i < ring.length; i++) {
          out.push(ring[i])
          for (const p of onSegment(ring[i], ring[(i + 1) % ring.length], ring)) out.push(p)
        }
        return out
      }),
    ),
  )
}
