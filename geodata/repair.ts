/**
 * Repair of the source county outlines (used by the extraction only).
 *
 * The source borders are quantised to a 1/1024° grid, which left rings that touch
 * themselves, borders that twist across each other, parts that overlap or share edges.
 * We rebuild every county from the planar arrangement of all borders at once:
 * 1. node: split every segment at any vertex lying exactly on it (exact test: the
 *    coordinates are dyadic, so orientation tests are exact in doubles) and at every
 *    proper crossing (the crossing point is computed once, in a canonical order, so all
 *    counties using a segment receive the same coordinates);
 * 2. trace the faces of the arrangement and give each face the winding number of every
 *    county around it (propagated across edges from the unbounded face);
 * 3. a face belongs to the county that winds around it positively (if several do, the
 *    one winding most, then the lowest code); a face nobody claims but one county
 *    surrounds is filled; each county is the union of its faces;
 * 4. the twists' small lobes (< 3.5 km², touching their own county only at a point) go
 *    to the neighbour they share an edge with; islands of one county that touch at a
 *    point are moved apart by a hair (separateTouchingParts).
 * Counties therefore never overlap, neighbours share identical coordinates, and a ring
 * never touches itself.
 */
import { type MultiPoly, type Pt, orient, ringArea } from './geometry.js'
import { assemble } from './assemble.js'
import { mergeFragments, traceRings } from './rings.js'

const CELL = 1 / 64 // grid of the spatial indexes, in degrees
const LOBE_AREA = 3e-4 // square degrees, ≈ 3.5 km²: parts this small that touch a neighbour are artefacts
const key = (p: Pt) => `${p[0]},${p[1]}`
const less = (a: Pt, b: Pt) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])
const segKey = (a: Pt, b: Pt) => (less(a, b) ? `${key(a)}|${key(b)}` : `${key(b)}|${key(a)}`)

/** Grid cells overlapped by a segment's bounding box. */
function cellsOf(a: Pt, b: Pt): string[] {
  const out: string[] = []
  for (let x = Math.floor(Math.min(a[0], b[0]) / CELL); x <= Math.floor(Math.max(a[0], b[0]) / CELL); x++) {
    for (let y = Math.floor(Math.min(a[1], b[1]) / CELL); y <= Math.floor(Math.max(a[1], b[1]) / CELL); y++) out.push(`${x},${y}`)
  }
  return out
}

/** Unique undirected segments of all outlines, as [lower, upper] endpoint pairs. */
function uniqueSegments(outlines: MultiPoly[]): Map<string, [Pt, Pt]> {
  const segs = new Map<string, [Pt, Pt]>()
  for (const mp of outlines) {
    for (const poly of mp) {
      for (const ring of poly) {
        for (let i = 0; i < ring.length; i++) {
          const a = ring[i]
          const b = ring[(i + 1) % ring.length]
          if (a[0] === b[0] && a[1] === b[1]) continue
          segs.set(segKey(a, b), less(a, b) ? [a, b] : [b, a])
        }
      }
    }
  }
  return segs
}

/** Points to insert into each segment (by segKey): vertices exactly on it and crossing points. */
function nodePoints(outlines: MultiPoly[]): Map<string, Pt[]> {
  const segs = uniqueSegments(outlines)
  const vertexGrid = new Map<string, Pt[]>()
  const seen = new Set<string>()
  for (const [a, b] of segs.values()) {
    for (const p of [a, b]) {
      if (seen.has(key(p))) continue
      seen.add(key(p))
      const ck = `${Math.floor(p[0] / CELL)},${Math.floor(p[1] / CELL)}`
      const list = vertexGrid.get(ck)
      if (list) list.push(p)
      else vertexGrid.set(ck, [p])
    }
  }
  const extra = new Map<string, Pt[]>()
  const add = (k: string, p: Pt) => {
    const list = extra.get(k) ?? []
    if (!list.some((q) => q[0] === p[0] && q[1] === p[1])) list.push(p)
    extra.set(k, list)
  }
  const segGrid = new Map<string, string[]>()
  for (const [k, [a, b]] of segs) {
    for (const ck of cellsOf(a, b)) {
      for (const p of vertexGrid.get(ck) ?? []) {
        if (orient(a[0], a[1], b[0], b[1], p[0], p[1]) !== 0) continue
        const t = (p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])
        if (t > 0 && t < (b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) add(k, p)
      }
      const list = segGrid.get(ck)
      if (list) list.push(k)
      else segGrid.set(ck, [k])
    }
  }
  const tested = new Set<string>()
  for (const list of segGrid.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [k1, k2] = list[i] < list[j] ? [list[i], list[j]] : [list[j], list[i]]
        const pair = `${k1}#${k2}`
        if (tested.has(pair)) continue
        tested.add(pair)
        const [a, b] = segs.get(k1)!
        const [c, d] = segs.get(k2)!
        const oc = orient(a[0], a[1], b[0], b[1], c[0], c[1])
        const od = orient(a[0], a[1], b[0], b[1], d[0], d[1])
        const oa = orient(c[0], c[1], d[0], d[1], a[0], a[1])
        const ob = orient(c[0], c[1], d[0], d[1], b[0], b[1])
        if (!(oc * od < 0 && oa * ob < 0)) continue
        const t = oc / (oc - od)
        const x: Pt = [c[0] + t * (d[0] - c[0]), c[1] + t * (d[1] - c[1])]
        add(k1, x)
        add(k2, x)
      }
    }
  }
  return extra
}

/** Rebuilds the outlines from the arrangement of all their borders (see the header). */
export function repairOutlines(outlines: MultiPoly[]): MultiPoly[] {
  const extra = nodePoints(outlines)
  // Noded directed segments per outline, and half-edges of the arrangement.
  const vid = new Map<string, number>()
  const pts: Pt[] = []
  const vertex = (p: Pt) => {
    const k = key(p)
    let id = vid.get(k)
    if (id === undefined) {
      id = pts.length
      vid.set(k, id)
      pts.push(p)
    }
    return id
  }
  const heFrom: number[] = []
  const heTo: number[] = []
  const heId = new Map<string, number>() // "u>v" → half-edge; twin = id ^ 1
  const delta: Map<number, number>[] = [] // per half-edge: outline → (# along) − (# against)
  const halfEdge = (u: number, v: number) => {
    let h = heId.get(`${u}>${v}`)
    if (h === undefined) {
      h = heFrom.length
      heFrom.push(u, v)
      heTo.push(v, u)
      heId.set(`${u}>${v}`, h)
      heId.set(`${v}>${u}`, h + 1)
      delta.push(new Map(), new Map())
    }
    return h
  }
  outlines.forEach((mp, c) => {
    for (const poly of mp) {
      for (const ring of poly) {
        for (let i = 0; i < ring.length; i++) {
          const a = ring[i]
          const b = ring[(i + 1) % ring.length]
          if (a[0] === b[0] && a[1] === b[1]) continue
          const d = (p: Pt) => (p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2
          const chain = [a, ...(extra.get(segKey(a, b)) ?? []).slice().sort((p, q) => d(p) - d(q)), b]
          for (let j = 0; j + 1 < chain.length; j++) {
            const h = halfEdge(vertex(chain[j]), vertex(chain[j + 1]))
            delta[h].set(c, (delta[h].get(c) ?? 0) + 1)
            delta[h ^ 1].set(c, (delta[h ^ 1].get(c) ?? 0) - 1)
          }
        }
      }
    }
  })

  // Faces: next(h) is the outgoing half-edge at h's head just clockwise from h's twin.
  const nH = heFrom.length
  const outgoing: number[][] = pts.map(() => [])
  for (let h = 0; h < nH; h++) outgoing[heFrom[h]].push(h)
  const angle = (h: number) => Math.atan2(pts[heTo[h]][1] - pts[heFrom[h]][1], pts[heTo[h]][0] - pts[heFrom[h]][0])
  const rank = new Int32Array(nH)
  for (const list of outgoing) {
    list.sort((p, q) => angle(p) - angle(q))
    list.forEach((h, i) => (rank[h] = i))
  }
  const next = new Int32Array(nH)
  for (let h = 0; h < nH; h++) {
    const list = outgoing[heTo[h]]
    next[h] = list[(rank[h ^ 1] - 1 + list.length) % list.length]
  }
  const face = new Int32Array(nH).fill(-1)
  const faceArea: number[] = []
  for (let h = 0; h < nH; h++) {
    if (face[h] >= 0) continue
    const f = faceArea.length
    const ring: Pt[] = []
    for (let e = h; face[e] < 0; e = next[e]) {
      face[e] = f
      ring.push(pts[heFrom[e]])
    }
    faceArea.push(ringArea(ring))
  }
  const faceEdges: number[][] = faceArea.map(() => [])
  for (let h = 0; h < nH; h++) faceEdges[face[h]].push(h)

  // Winding numbers: every clockwise face (a component's outside) starts at zero.
  const winding: (Map<number, number> | undefined)[] = faceArea.map((a) => (a < 0 ? new Map() : undefined))
  const queue = faceArea.flatMap((a, f) => (a < 0 ? [f] : []))
  for (let i = 0; i < queue.length; i++) {
    const f = queue[i]
    for (const h of faceEdges[f]) {
      const g = face[h ^ 1]
      if (winding[g]) continue
      const w = new Map(winding[f])
      for (const [c, d] of delta[h]) w.set(c, (w.get(c) ?? 0) - d)
      winding[g] = w
      queue.push(g)
    }
  }
  const owner = faceArea.map((a, f) => {
    if (a <= 0) return -1
    let best = -1
    let bestW = 0
    for (const [c, w] of [...winding[f]!].sort((p, q) => p[0] - q[0])) {
      if (w > bestW) {
        bestW = w
        best = c
      }
    }
    return best
  })
  // Pockets: a bounded face that no county claims but a single county surrounds is filled.
  for (let changed = true; changed; ) {
    changed = false
    faceArea.forEach((a, f) => {
      if (a <= 0 || owner[f] >= 0) return
      const around = new Set(faceEdges[f].map((h) => owner[face[h ^ 1]]))
      if (around.size === 1 && !around.has(-1)) {
        owner[f] = [...around][0]
        changed = true
      }
    })
  }

  // Each outline: half-edges with its face on the left and another owner on the right.
  const boundary: [Pt, Pt][][] = outlines.map(() => [])
  for (let h = 0; h < nH; h++) {
    const c = owner[face[h]]
    if (c >= 0 && owner[face[h ^ 1]] !== c) boundary[c].push([pts[heFrom[h]], pts[heTo[h]]])
  }
  // Tiny lobes left by twists (attached to their county at a point, surrounded by a
  // neighbour) go to that neighbour.
  return separateTouchingParts(
    mergeFragments(
      boundary.map((segs) => assemble(traceRings(segs))),
      LOBE_AREA,
    ),
  )
}

/**
 * Where two rings of one county touch at a vertex (islands meeting at a point, a hole
 * touching its shell), valid in OGC terms but flagged by stricter checkers (turf kinks),
 * the smaller polygon's ring is cut back at that vertex by 0.1 % of each adjacent edge,
 * provided those edges are coastline (not shared with another county).
 */
function separateTouchingParts(outlines: MultiPoly[]): MultiPoly[] {
  const segOwner = new Map<string, number>()
  outlines.forEach((mp, c) => {
    for (const poly of mp) for (const ring of poly) ring.forEach((p, i) => segOwner.set(`${key(p)}>${key(ring[(i + 1) % ring.length])}`, c))
  })
  const shared = (a: Pt, b: Pt, c: number) => {
    const o = segOwner.get(`${key(b)}>${key(a)}`)
    return o !== undefined && o !== c
  }
  return outlines.map((mp, c) => {
    const seen = new Map<string, number[]>() // vertex → [polygon, ring] of its first occurrence
    const out = mp.map((poly) => poly.map((ring) => ring.slice()))
    const order = mp.map((_, i) => i).sort((a, b) => ringArea(mp[b][0]) - ringArea(mp[a][0]) || a - b) // largest first
    for (const pi of order) {
      out[pi].forEach((ring, ri) => {
        const cut: Pt[] = []
        ring.forEach((v, i) => {
          const u = ring[(i + ring.length - 1) % ring.length]
          const w = ring[(i + 1) % ring.length]
          if (seen.has(key(v)) && !shared(u, v, c) && !shared(v, w, c)) {
            cut.push([v[0] + (u[0] - v[0]) * 1e-3, v[1] + (u[1] - v[1]) * 1e-3], [v[0] + (w[0] - v[0]) * 1e-3, v[1] + (w[1] - v[1]) * 1e-3])
          } else cut.push(v)
        })
        for (const v of ring) if (!seen.has(key(v))) seen.set(key(v), [pi, ri])
        out[pi][ri] = cut
      })
    }
    return out
  })
}
