/**
 * Exact partition of a polygon by a tiling of convex cells (a Voronoi diagram, or a
 * plane cut in two): every piece is the region ∩ one cell.
 *
 * Why not a generic clipper per cell: neighbouring pieces must share identical
 * coordinates on their common boundary. Here every crossing of a region edge with a
 * cell edge is computed exactly once and used by both cells; every side-of-line test
 * is evaluated in one canonical direction (edge endpoints by vertex id, region segment
 * endpoints by coordinates), so the two cells of an edge always agree on which side a
 * point is. Each region ring is walked through the tiling once; the walk's crossings
 * split it into chains, and each cell stitches its chains with stretches of its own
 * boundary (Weiler-Atherton for a convex clip polygon).
 */
import { assemble } from './assemble.js'
import { type MultiPoly, type Pt, type Ring, dedupeRing, orient } from './geometry.js'

/** One convex cell of a tiling: vertex ids counter-clockwise, and the neighbour across each edge. */
export interface TilingCell {
  /** Vertex ids, counter-clockwise, open. */
  verts: number[]
  /** nbr[k] = cell across the edge verts[k] → verts[k+1], or -1 outside the tiling. */
  nbr: number[]
  /** A point strictly inside the cell (a Voronoi site). */
  site: Pt
}

/** Convex cells sharing vertices by id, covering at least the region to partition. */
export interface Tiling {
  x: ArrayLike<number>
  y: ArrayLike<number>
  cells: TilingCell[]
  /** A vertex id known to lie outside the region (on the tiling's outer boundary). */
  outside: number
}

/** Thrown when floating-point noise made the walk inconsistent; callers jitter and retry. */
export class PartitionError extends Error {}

interface Chain {
  entry: number
  exit: number
  pts: Pt[]
}

/** Splits a region into its pieces inside each cell of a tiling; result[i] belongs to cell i. */
export function partitionByTiling(region: MultiPoly, tiling: Tiling): MultiPoly[] {
  const { x: X, y: Y, cells } = tiling
  const NV = X.length
  const edgeKey = (u: number, v: number) => (u < v ? u * NV + v : v * NV + u)

  // Where each edge sits in each of its (at most two) cells.
  const twin = new Map<number, number[]>()
  cells.forEach((cell, c) => {
    const m = cell.verts.length
    for (let k = 0; k < m; k++) {
      const key = edgeKey(cell.verts[k], cell.verts[(k + 1) % m])
      const list = twin.get(key)
      if (list) list.push(c, k)
      else twin.set(key, [c, k])
    }
  })
  const indexIn = (key: number, cell: number): number => {
    const list = twin.get(key)!
    for (let i = 0; i < list.length; i += 2) if (list[i] === cell) return list[i + 1]
    throw new PartitionError('edge not found in neighbour cell')
  }

  // Crossing records.
  const crX: number[] = []
  const crY: number[] = []
  const crT: number[] = []
  const crFrom: number[] = []
  const crFromK: number[] = []
  const crTo: number[] = []
  const crToK: number[] = []
  const parity = new Map<number, number>()
  const events: number[][] = cells.map(() => [])
  const chains: Chain[][] = cells.map(() => [])
  const whole: Ring[][] = cells.map(() => [])

  // Canonical crossing test of cell edge (a, b) with segment p → q. On a hit, sets hitT
  // (parameter along the edge from its lower vertex id) and hitS (parameter along p → q).
  let hitT = 0
  let hitS = 0
  const crosses = (a: number, b: number, px: number, py: number, qx: number, qy: number): boolean => {
    const lo = a < b ? a : b
    const hi = a < b ? b : a
    const ax = X[lo]
    const ay = Y[lo]
    const bx = X[hi]
    const by = Y[hi]
    const oP = orient(ax, ay, bx, by, px, py)
    const oQ = orient(ax, ay, bx, by, qx, qy)
    if (oP >= 0 === oQ >= 0) return false
    const pFirst = px < qx || (px === qx && py < qy)
    const ux = pFirst ? px : qx
    const uy = pFirst ? py : qy
    const vx = pFirst ? qx : px
    const vy = pFirst ? qy : py
    const dA = orient(ux, uy, vx, vy, ax, ay)
    const dB = orient(ux, uy, vx, vy, bx, by)
    if (dA >= 0 === dB >= 0) return false
    hitT = Math.min(1, Math.max(0, dA / (dA - dB)))
    hitS = oP / (oP - oQ)
    return true
  }

  // Walks p → q from cell c, recording each crossing (when `record` is given) as an
  // event of both cells and as -(id + 1) in `record`; returns the cell where q lies.
  const walk = (c: number, px: number, py: number, qx: number, qy: number, record: number[] | null): number => {
    let enterK = -1
    for (let guard = 0; guard < 100000; guard++) {
      const cell = cells[c]
      const m = cell.verts.length
      let bestK = -1
      let bestS = Infinity
      let bestT = 0
      for (let k = 0; k < m; k++) {
        if (k === enterK) continue
        if (crosses(cell.verts[k], cell.verts[(k + 1) % m], px, py, qx, qy) && hitS < bestS) {
          bestK = k
          bestS = hitS
          bestT = hitT
        }
      }
      if (bestK < 0) return c
      const u = cell.verts[bestK]
      const v = cell.verts[(bestK + 1) % m]
      const nb = cell.nbr[bestK]
      if (nb < 0) throw new PartitionError('walk left the tiling')
      const key = edgeKey(u, v)
      const k2 = indexIn(key, nb)
      if (record) {
        const lo = u < v ? u : v
        const hi = u < v ? v : u
        const id = crX.length
        crX.push(X[lo] + bestT * (X[hi] - X[lo]))
        crY.push(Y[lo] + bestT * (Y[hi] - Y[lo]))
        crT.push(bestT)
        crFrom.push(c)
        crFromK.push(bestK)
        crTo.push(nb)
        crToK.push(k2)
        parity.set(key, (parity.get(key) ?? 0) ^ 1)
        events[c].push(id)
        events[nb].push(id)
        record.push(-id - 1)
      }
      c = nb
      enterK = k2
    }
    throw new PartitionError('walk did not end')
  }

  const locate = (px: number, py: number): number => {
    let best = 0
    let bestD = Infinity
    cells.forEach((cell, i) => {
      const d = (cell.site[0] - px) ** 2 + (cell.site[1] - py) ** 2
      if (d < bestD) {
        bestD = d
        best = i
      }
    })
    return walk(best, cells[best].site[0], cells[best].site[1], px, py, null)
  }

  // 1. Walk every ring of the region through the tiling.
  for (const poly of region) {
    for (const ring of poly) {
      const n = ring.length
      if (n < 3) continue
      const c0 = locate(ring[0][0], ring[0][1])
      const seq: number[] = [0] // ring vertex indices ≥ 0, crossings as -(id+1)
      let c = c0
      for (let i = 0; i < n; i++) {
        const p = ring[i]
        const q = ring[(i + 1) % n]
        c = walk(c, p[0], p[1], q[0], q[1], seq)
        if (i + 1 < n) seq.push(i + 1)
      }
      if (c !== c0) throw new PartitionError('ring walk did not close')
      const first = seq.findIndex((e) => e < 0)
      if (first < 0) {
        whole[c0].push(ring)
        continue
      }
      // Split into chains between consecutive crossings.
      let entry = -seq[first] - 1
      let pts: Pt[] = [[crX[entry], crY[entry]]]
      for (let j = 1; j <= seq.length; j++) {
        const e = seq[(first + j) % seq.length]
        if (e >= 0) {
          pts.push(ring[e])
          continue
        }
        const exit = -e - 1
        if (crFrom[exit] !== crTo[entry]) throw new PartitionError('chain crosses cells inconsistently')
        pts.push([crX[exit], crY[exit]])
        chains[crTo[entry]].push({ entry, exit, pts })
        entry = exit
        pts = [[crX[exit], crY[exit]]]
      }
    }
  }

  // 2. Inside/outside of every tiling vertex, by crossing parity from a known outside vertex.
  const inside = labelVertices(tiling, edgeKey, parity)

  // 3. Per cell: stitch chains with stretches of the cell boundary.
  return cells.map((cell, c) => {
    const m = cell.verts.length
    const rings: Ring[] = []
    const evs = events[c]
    if (evs.length === 0) {
      if (inside[cell.verts[0]]) rings.push(cell.verts.map((v) => [X[v], Y[v]] as Pt))
    } else {
      const pos = new Map<number, number>()
      const isExit = new Map<number, boolean>()
      for (const id of evs) {
        const exit = crFrom[id] === c
        const k = exit ? crFromK[id] : crToK[id]
        const forward = cell.verts[k] < cell.verts[(k + 1) % m]
        pos.set(id, k + Math.min(0.999999999999, forward ? crT[id] : 1 - crT[id]))
        isExit.set(id, exit)
      }
      const sorted = evs.slice().sort((a, b) => pos.get(a)! - pos.get(b)! || a - b)
      const next = new Map<number, number>()
      for (let j = 0; j < sorted.length; j++) {
        const id = sorted[j]
        if (!isExit.get(id)) continue
        const nxt = sorted[(j + 1) % sorted.length]
        if (isExit.get(nxt)) throw new PartitionError('two exits in a row on a cell boundary')
        next.set(id, nxt)
      }
      const byEntry = new Map<number, Chain>()
      for (const ch of chains[c]) byEntry.set(ch.entry, ch)
      const used = new Set<Chain>()
      for (const start of chains[c]) {
        if (used.has(start)) continue
        const ring: Ring = []
        let ch: Chain | undefined = start
        for (let guard = 0; ch && !used.has(ch); guard++) {
          if (guard > chains[c].length) throw new PartitionError('stitching did not close')
          used.add(ch)
          for (const p of ch.pts) ring.push(p)
          const entry = next.get(ch.exit)
          if (entry === undefined) throw new PartitionError('exit without a following entry')
          const k1 = Math.floor(pos.get(ch.exit)!)
          const k2 = Math.floor(pos.get(entry)!)
          let steps = (k2 - k1 + m) % m
          if (steps === 0 && pos.get(entry)! < pos.get(ch.exit)!) steps = m
          for (let s = 1; s <= steps; s++) {
            const v = cell.verts[(k1 + s) % m]
            ring.push([X[v], Y[v]])
          }
          ch = byEntry.get(entry)
        }
        if (ch !== start) throw new PartitionError('stitching ended on a foreign chain')
        rings.push(ring)
      }
    }
    for (const r of whole[c]) rings.push(r)
    return assemble(rings.map(dedupeRing).filter((r) => r.length >= 3))
  })
}

/** Labels tiling vertices inside (true) or outside the region by crossing parity. */
function labelVertices(tiling: Tiling, edgeKey: (u: number, v: number) => number, parity: Map<number, number>): boolean[] {
  const adj = new Map<number, number[]>()
  for (const cell of tiling.cells) {
    const m = cell.verts.length
    for (let k = 0; k < m; k++) {
      const u = cell.verts[k]
      const v = cell.verts[(k + 1) % m]
      if (!adj.has(u)) adj.set(u, [])
      adj.get(u)!.push(v)
    }
  }
  const label: boolean[] = []
  label[tiling.outside] = false
  const queue = [tiling.outside]
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h]
    for (const v of adj.get(u) ?? []) {
      const lv = label[u] !== ((parity.get(edgeKey(u, v)) ?? 0) === 1)
      if (label[v] === undefined) {
        label[v] = lv
        queue.push(v)
      } else if (label[v] !== lv) {
        throw new PartitionError('inconsistent inside/outside labels')
      }
    }
  }
  return label
}
