/**
 * Turning rings into valid polygons (OGC simple-feature rules): no ring touches itself,
 * shells counter-clockwise, holes clockwise and inside their shell.
 */
import { type MultiPoly, type Pt, type Ring, dedupeRing, multiBBox, pointInRing, ringArea } from './geometry.js'

const key = (p: Pt) => `${p[0]},${p[1]}`

/**
 * Splits a ring at every vertex it visits twice. A ring that bounds a region (interior
 * on its left) and touches itself there encloses either a second lobe or a pocket of
 * outside; OGC wants separate rings (a second shell, or a clockwise hole touching the
 * shell at that point), which this produces.
 */
export function splitAtRepeats(ring: Ring): Ring[] {
  if (!hasRepeats(ring)) return [ring]
  const out: Ring[] = []
  const stack: Pt[] = []
  const at = new Map<string, number>()
  for (const p of [...ring, ring[0]]) {
    const k = key(p)
    const prev = at.get(k)
    if (prev !== undefined) {
      const loop = stack.splice(prev)
      for (const q of loop) at.delete(key(q))
      if (loop.length >= 3) out.push(loop)
    }
    at.set(k, stack.length)
    stack.push(p)
  }
  return out
}

/** Whether any point occurs twice in a ring (sort-based, no string keys: the common case is no). */
function hasRepeats(ring: Ring): boolean {
  const order = ring.map((_, i) => i).sort((a, b) => ring[a][0] - ring[b][0] || ring[a][1] - ring[b][1])
  for (let k = 1; k < order.length; k++) {
    const p = ring[order[k - 1]]
    const q = ring[order[k]]
    if (p[0] === q[0] && p[1] === q[1]) return true
  }
  return false
}

/**
 * Groups open rings into polygons: rings are first split where they touch themselves,
 * then counter-clockwise rings are shells and clockwise ones holes of the smallest shell
 * around them.
 */
export function assemble(input: Ring[]): MultiPoly {
  const shells: { ring: Ring; area: number; holes: Ring[] }[] = []
  const holes: Ring[] = []
  const rings = input.flatMap(splitAtRepeats).map(dedupeRing).filter((r) => r.length >= 3)
  for (const r of rings) {
    const a = ringArea(r)
    if (a > 0) shells.push({ ring: r, area: a, holes: [] })
    else if (a < 0) holes.push(r)
  }
  const boxes = shells.map((s) => multiBBox([[s.ring]]))
  for (const h of holes) {
    // Test a hole point that is not a vertex of the candidate shell (rings may touch at vertices).
    const hb = multiBBox([[h]])
    let best: (typeof shells)[number] | null = null
    shells.forEach((s, i) => {
      const b = boxes[i]
      if ((best && s.area >= best.area) || hb.minX < b.minX || hb.maxX > b.maxX || hb.minY < b.minY || hb.maxY > b.maxY) return
      const keys = new Set(s.ring.map(key))
      const probe = h.find((p) => !keys.has(key(p)))
      const [px, py] = probe ?? [(h[0][0] + h[1][0]) / 2, (h[0][1] + h[1][1]) / 2]
      if (pointInRing(px, py, s.ring)) best = s
    })
    if (!best) throw new Error('hole outside every shell')
    ;(best as (typeof shells)[number]).holes.push(h)
  }
  return shells.map((s) => [s.ring, ...s.holes])
}
