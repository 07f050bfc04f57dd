/**
 * Voronoi tiling of a few hundred sites at most, via a Bowyer-Watson Delaunay
 * triangulation. Four far "ghost" sites surround the real ones so every real cell is
 * bounded; the cell vertices are triangle circumcentres, computed once per triangle,
 * so neighbouring cells share them bit for bit.
 */
import type { BBox, Pt } from './geometry.js'
import { PartitionError, type Tiling, type TilingCell } from './partition.js'

const GHOSTS = 4

/** Voronoi cells of the sites, as a tiling that covers `extent` (sites must lie inside it). */
export function voronoiTiling(sites: Pt[], extent: BBox): Tiling {
  const cx0 = (extent.minX + extent.maxX) / 2
  const cy0 = (extent.minY + extent.maxY) / 2
  const size = Math.max(extent.maxX - extent.minX, extent.maxY - extent.minY, 1e-6)
  const R = size * 25
  // Local coordinates around the centre, for precise determinants.
  const px: number[] = [-R, R, R, -R]
  const py: number[] = [-R, -R, R, R]
  for (const [x, y] of sites) {
    px.push(x - cx0)
    py.push(y - cy0)
  }
  const ta: number[] = [0, 0]
  const tb: number[] = [1, 2]
  const tc: number[] = [2, 3]
  const alive: boolean[] = [true, true]
  const triOf: number[] = [0, 0, 0, 1]

  for (let p = GHOSTS; p < px.length; p++) {
    const x = px[p]
    const y = py[p]
    const bad: number[] = []
    for (let t = 0; t < ta.length; t++) {
      if (alive[t] && inCircle(px, py, ta[t], tb[t], tc[t], x, y) > 0) bad.push(t)
    }
    if (bad.length === 0) throw new PartitionError('duplicate or degenerate Voronoi site')
    const edges = new Set<string>()
    for (const t of bad) for (const [u, v] of triEdges(ta[t], tb[t], tc[t])) edges.add(`${u},${v}`)
    for (const t of bad) {
      alive[t] = false
      for (const [u, v] of triEdges(ta[t], tb[t], tc[t])) {
        if (edges.has(`${v},${u}`)) continue // interior edge of the cavity
        if (orient2(px, py, u, v, p) <= 0) throw new PartitionError('non-star-shaped Delaunay cavity')
        const id = ta.length
        ta.push(u)
        tb.push(v)
        tc.push(p)
        alive.push(true)
        triOf[u] = id
        triOf[v] = id
        triOf[p] = id
      }
    }
  }

  // Circumcentres (cell vertices, indexed by triangle) and directed edge → triangle.
  const nT = ta.length
  const vx = new Float64Array(nT).fill(NaN)
  const vy = new Float64Array(nT).fill(NaN)
  const byEdge = new Map<number, number>()
  const nP = px.length
  for (let t = 0; t < nT; t++) {
    if (!alive[t]) continue
    const [x, y] = circumcentre(px, py, ta[t], tb[t], tc[t])
    vx[t] = x + cx0
    vy[t] = y + cy0
    for (const [u, v] of triEdges(ta[t], tb[t], tc[t])) byEdge.set(u * nP + v, t)
  }

  const cells: TilingCell[] = []
  let outside = -1
  for (let p = GHOSTS; p < nP; p++) {
    const verts: number[] = []
    const nbr: number[] = []
    const start = triOf[p]
    let t = start
    for (let guard = 0; guard <= nT; guard++) {
      // Rotate t = (p, a, b); the next triangle counter-clockwise around p holds edge p → b.
      const [, , b] = rotateTo(ta[t], tb[t], tc[t], p)
      verts.push(t)
      nbr.push(b < GHOSTS ? -1 : b - GHOSTS)
      if (b < GHOSTS && outside < 0) outside = t
      const nt = byEdge.get(p * nP + b)
      if (nt === undefined) throw new PartitionError('open Voronoi cell')
      t = nt
      if (t === start) break
    }
    cells.push({ verts, nbr, site: sites[p - GHOSTS] })
  }
  if (outside < 0) throw new PartitionError('no outer Voronoi vertex')
  return { x: vx, y: vy, cells, outside }
}

function triEdges(a: number, b: number, c: number): [number, number][] {
  return [
    [a, b],
    [b, c],
    [c, a],
  ]
}

function rotateTo(a: number, b: number, c: number, p: number): [number, number, number] {
  if (a === p) return [a, b, c]
  if (b === p) return [b, c, a]
  return [c, a, b]
}

function orient2(px: number[], py: number[], a: number, b: number, c: number): number {
  return (px[b] - px[a]) * (py[c] - py[a]) - (py[b] - py[a]) * (px[c] - px[a])
}

/** > 0 when (x, y) lies inside the circumcircle of the counter-clockwise triangle abc. */
function inCircle(px: number[], py: number[], a: number, b: number, c: number, x: number, y: number): number {
  const adx = px[a] - x
  const ady = py[a] - y
  const bdx = px[b] - x
  const bdy = py[b] - y
  const cdx = px[c] - x
  const cdy = py[c] - y
  const ad = adx * adx + ady * ady
  const bd = bdx * bdx + bdy * bdy
  const cd = cdx * cdx + cdy * cdy
  return adx * (bdy * cd - bd * cdy) - ady * (bdx * cd - bd * cdx) + ad * (bdx * cdy - bdy * cdx)
}

function circumcentre(px: number[], py: number[], a: number, b: number, c: number): Pt {
  const ax = px[a]
  const ay = py[a]
  const bx = px[b] - ax
  const by = py[b] - ay
  const cx = px[c] - ax
  const cy = py[c] - ay
  const d = 2 * (bx * cy - by * cx)
  const b2 = bx * bx + by * by
  const c2 = cx * cx + cy * cy
  return [ax + (cy * b2 - by * c2) / d, ay + (bx * c2 - cx * b2) / d]
}
