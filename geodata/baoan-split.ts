/**
 * 光明区 (440311) from 宝安区 (440306): the echarts outlines predate the 2018 split, so
 * the extraction cuts 宝安's outline in two with a straight line (an approximation,
 * documented in geodata/README.md) and keeps the neighbours' borders in step.
 */
import { type MultiPoly, type Pt, multiArea } from './geometry.js'
import { type Tiling, type TilingCell, partitionByTiling } from './partition.js'

/** A two-cell tiling of a box: the half-planes n·p > c (cell 0) and n·p < c (cell 1). */
function halfPlaneTiling(box: [number, number, number, number], n: Pt, c: number): Tiling {
  const [x0, y0, x1, y1] = box
  const corners: Pt[] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ]
  const xs: number[] = []
  const ys: number[] = []
  const seq: number[] = []
  const cut: number[] = []
  const side = (p: Pt) => n[0] * p[0] + n[1] * p[1] - c
  for (let i = 0; i < 4; i++) {
    const p = corners[i]
    const q = corners[(i + 1) % 4]
    seq.push(xs.length)
    xs.push(p[0])
    ys.push(p[1])
    const sp = side(p)
    const sq = side(q)
    if (sp > 0 !== sq > 0) {
      const t = sp / (sp - sq)
      cut.push(seq.length)
      seq.push(xs.length)
      xs.push(p[0] + t * (q[0] - p[0]))
      ys.push(p[1] + t * (q[1] - p[1]))
    }
  }
  if (cut.length !== 2) throw new Error('cut line misses the box')
  const [i1, i2] = cut
  const a = seq.slice(i1, i2 + 1)
  const b = [...seq.slice(i2), ...seq.slice(0, i1 + 1)]
  const site = (vs: number[]): Pt => [vs.reduce((s, v) => s + xs[v], 0) / vs.length, vs.reduce((s, v) => s + ys[v], 0) / vs.length]
  // Cell 0 is the positive side; each cell's last edge is the cut, facing the other cell.
  const [pos, neg] = side(site(a)) > 0 ? [a, b] : [b, a]
  const cell = (vs: number[], other: number): TilingCell => ({ verts: vs, nbr: vs.map((_, k) => (k === vs.length - 1 ? other : -1)), site: site(vs) })
  return { x: xs, y: ys, cells: [cell(pos, 1), cell(neg, 0)], outside: 0 }
}

/**
 * Cuts 宝安's outline: 光明区 (440311, 155.44 km²) was carved out of 宝安区 (440306, 396.64 km² after the
 * split) in 2018; the source only has the old 宝安 outline. We cut it with a straight
 * line whose normal points north-east (60° from east, from 宝安's centre toward 光明's),
 * placed by bisection so the north-east piece has 光明's share of the area (28.2 %).
 * Approximate, deterministic, and exact as a partition (both sides share the cut's
 * crossing points).
 */
export function splitBaoan(outline: MultiPoly): { baoan: MultiPoly; guangming: MultiPoly } {
  const share = 155.44 / (155.44 + 396.64)
  const n: Pt = [Math.cos(Math.PI / 3), Math.sin(Math.PI / 3)]
  let lo = Infinity
  let hi = -Infinity
  let box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const poly of outline) {
    for (const p of poly[0]) {
      const d = n[0] * p[0] + n[1] * p[1]
      lo = Math.min(lo, d)
      hi = Math.max(hi, d)
      box = [Math.min(box[0], p[0]), Math.min(box[1], p[1]), Math.max(box[2], p[0]), Math.max(box[3], p[1])]
    }
  }
  box = [box[0] - 0.1, box[1] - 0.1, box[2] + 0.1, box[3] + 0.1]
  const total = multiArea(outline)
  let pieces: MultiPoly[] = []
  for (let iter = 0; iter < 40; iter++) {
    const c = (lo + hi) / 2
    pieces = partitionByTiling(outline, halfPlaneTiling(box, n, c))
    if (multiArea(pieces[0]) / total > share) lo = c
    else hi = c
  }
  return { guangming: pieces[0], baoan: pieces[1] }
}

/**
 * Where the cut crosses a border that 宝安 shares with a neighbour, the neighbour's ring
 * gets the same crossing point, so the shared border keeps identical vertices on both sides.
 */
export function insertCutPoints(outline: MultiPoly, before: MultiPoly, pieces: MultiPoly[]): MultiPoly {
  const k = (p: Pt) => `${p[0]},${p[1]}`
  const old = new Set(before.flatMap((poly) => poly.flatMap((ring) => ring.map(k))))
  // A crossing X lies on an old 宝安 segment p → q: one piece runs p → X, the other X → q.
  const prev = new Map<string, Pt>()
  const next = new Map<string, Pt>()
  for (const piece of pieces) {
    for (const poly of piece) {
      for (const ring of poly) {
        for (let i = 0; i < ring.length; i++) {
          const [a, b] = [ring[i], ring[(i + 1) % ring.length]]
          if (old.has(k(a)) && !old.has(k(b))) prev.set(k(b), a)
          if (!old.has(k(a)) && old.has(k(b))) next.set(k(a), b)
        }
      }
    }
  }
  const cuts = new Map<string, Pt>() // "q>p" (the neighbour's direction) → crossing point
  for (const [xk, p] of prev) {
    const q = next.get(xk)
    if (q) cuts.set(`${k(q)}>${k(p)}`, xk.split(',').map(Number) as Pt)
  }
  return outline.map((poly) =>
    poly.map((ring) =>
      ring.flatMap((a, i) => {
        const x = cuts.get(`${k(a)}>${k(ring[(i + 1) % ring.length])}`)
        return x ? [a, x] : [a]
      }),
    ),
  )
}

