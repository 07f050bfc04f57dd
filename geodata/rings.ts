/**
 * Exact operations on pieces whose common boundaries have identical coordinates (as
 * partitionByTiling produces them): dissolving shared edges, merging stray fragments
 * into a neighbour, and measuring which pieces share a boundary.
 */
import { type MultiPoly, type Poly, type Pt, type Ring, dedupeRing, polyArea } from './geometry.js'
import { assemble } from './assemble.js'

const key = (p: Pt) => `${p[0]},${p[1]}`

/**
 * Links directed segments into rings. At a vertex with several outgoing segments (rings
 * touching at a point) the next segment is the first one clockwise from the incoming
 * direction, so each ring encloses one sector and no ring touches itself.
 */
export function traceRings(segs: [Pt, Pt][]): Ring[] {
  const out = new Map<string, number[]>()
  segs.forEach(([a], i) => {
    const k = key(a)
    const list = out.get(k)
    if (list) list.push(i)
    else out.set(k, [i])
  })
  const succ = new Int32Array(segs.length).fill(-1)
  for (let i = 0; i < segs.length; i++) {
    const [a, b] = segs[i]
    const cands = out.get(key(b))
    if (!cands) throw new Error('open boundary while tracing rings')
    if (cands.length === 1) {
      succ[i] = cands[0]
      continue
    }
    const back = Math.atan2(a[1] - b[1], a[0] - b[0])
    let best = -1
    let bestTurn = Infinity
    for (const j of cands) {
      const c = segs[j][1]
      let turn = back - Math.atan2(c[1] - b[1], c[0] - b[0])
      while (turn <= 0) turn += 2 * Math.PI
      while (turn > 2 * Math.PI) turn -= 2 * Math.PI
      if (turn < bestTurn) {
        bestTurn = turn
        best = j
      }
    }
    succ[i] = best
  }
  const seen = new Uint8Array(segs.length)
  const rings: Ring[] = []
  for (let i = 0; i < segs.length; i++) {
    if (seen[i]) continue
    const ring: Ring = []
    for (let j = i; !seen[j]; j = succ[j]) {
      seen[j] = 1
      ring.push(segs[j][0])
    }
    const clean = dedupeRing(ring)
    if (clean.length >= 3) rings.push(clean)
  }
  return rings
}

/** Directed segments of every ring of some polygons. */
function segmentsOf(polys: Poly[]): [Pt, Pt][] {
  const segs: [Pt, Pt][] = []
  for (const poly of polys) {
    for (const ring of poly) {
      for (let i = 0; i < ring.length; i++) segs.push([ring[i], ring[(i + 1) % ring.length]])
    }
  }
  return segs
}

/** Union of polygons that meet along identical edges: shared edges cancel, the rest is re-traced. */
export function dissolve(polys: Poly[]): MultiPoly {
  const count = new Map<string, { seg: [Pt, Pt]; n: number }>()
  for (const seg of segmentsOf(polys)) {
    const k = `${key(seg[0])}>${key(seg[1])}`
    const entry = count.get(k)
    if (entry) entry.n++
    else count.set(k, { seg, n: 1 })
  }
  // A segment survives as many times as it outnumbers its reverse.
  const kept: [Pt, Pt][] = []
  for (const { seg, n } of count.values()) {
    const rev = count.get(`${key(seg[1])}>${key(seg[0])}`)?.n ?? 0
    for (let i = 0; i < n - rev; i++) kept.push(seg)
  }
  return assemble(traceRings(kept))
}

/** Length of boundary (degrees) that each pair of pieces shares: result.get(i)?.get(j). */
export function sharedBoundary(parts: MultiPoly[]): Map<number, Map<number, number>> {
  // Sort segments by their undirected endpoints (numbers only, no string keys): a shared
  // edge shows up as two equal neighbours in that order.
  const x1: number[] = []
  const y1: number[] = []
  const x2: number[] = []
  const y2: number[] = []
  const owner: number[] = []
  parts.forEach((mp, i) => {
    for (const [a, b] of segmentsOf(mp)) {
      const swap = b[0] < a[0] || (b[0] === a[0] && b[1] < a[1])
      const [p, q] = swap ? [b, a] : [a, b]
      x1.push(p[0])
      y1.push(p[1])
      x2.push(q[0])
      y2.push(q[1])
      owner.push(i)
    }
  })
  const order = owner.map((_, k) => k).sort((a, b) => x1[a] - x1[b] || y1[a] - y1[b] || x2[a] - x2[b] || y2[a] - y2[b] || a - b)
  const shared = new Map<number, Map<number, number>>()
  const add = (i: number, j: number, len: number) => {
    if (!shared.has(i)) shared.set(i, new Map())
    const m = shared.get(i)!
    m.set(j, (m.get(j) ?? 0) + len)
  }
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1]
    const b = order[k]
    if (x1[a] !== x1[b] || y1[a] !== y1[b] || x2[a] !== x2[b] || y2[a] !== y2[b] || owner[a] === owner[b]) continue
    const len = Math.hypot(x2[a] - x1[a], y2[a] - y1[a])
    add(owner[a], owner[b], len)
    add(owner[b], owner[a], len)
  }
  return shared
}

/**
 * Gives every piece that is not its part's largest polygon (and not larger than maxArea),
 * and that touches another part along an edge, to the part it shares most boundary with;
 * so parts end up in one piece unless water separates them. Every merge removes a
 * polygon, so this ends. Deterministic: lowest index first.
 */
export function mergeFragments(parts: MultiPoly[], maxArea = Infinity): MultiPoly[] {
  const out = parts.map((mp) => mp.slice())
  if (out.every((mp) => mp.length <= 1)) return out // the common case: nothing to merge
  for (let round = 0; round < 10000; round++) {
    const main = out.map((mp) => {
      let best = -1
      let bestArea = -Infinity
      mp.forEach((p, i) => {
        const a = polyArea(p)
        if (a > bestArea) {
          bestArea = a
          best = i
        }
      })
      return best
    })
    const owner = new Map<string, number>()
    out.forEach((mp, i) => {
      for (const [a, b] of segmentsOf(mp)) owner.set(`${key(a)}>${key(b)}`, i)
    })
    let merged = false
    for (let i = 0; i < out.length && !merged; i++) {
      for (let f = 0; f < out[i].length && !merged; f++) {
        if (f === main[i] || polyArea(out[i][f]) > maxArea) continue
        const len = new Map<number, number>()
        for (const [a, b] of segmentsOf([out[i][f]])) {
          const j = owner.get(`${key(b)}>${key(a)}`)
          if (j !== undefined && j !== i) len.set(j, (len.get(j) ?? 0) + Math.hypot(b[0] - a[0], b[1] - a[1]))
        }
        let target = -1
        let bestLen = 0
        for (const [j, l] of [...len].sort((p, q) => p[0] - q[0])) {
          if (l > bestLen) {
            bestLen = l
            target = j
          }
        }
        if (target < 0) continue
        const fragment = out[i][f]
        out[i] = out[i].filter((_, k) => k !== f)
        // Dissolve with all of the target's polygons: the fragment may touch several.
        out[target] = dissolve([...out[target], fragment])
        merged = true
      }
    }
    if (!merged) return out
  }
  return out
}
