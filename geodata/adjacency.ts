/**
 * Which villages of a town are neighbours, for contiguous grid units. Two villages are
 * adjacent when they share a boundary edge (the generator gives neighbours identical
 * coordinates, so shared edges are found exactly). Where water splits a town into
 * separate groups of villages (islands), the closest pair of villages across two groups
 * gets a "ferry link", repeatedly, until the town's graph is connected; a grid unit may
 * then span an island and the shore it is ferried from.
 */
import { type MultiPoly, type Pt, dist2, largestPoly, pointOnSurface } from './geometry.js'
import { sharedBoundary } from './rings.js'

/** The representative point of a village: a point inside its largest piece, near its centre. */
export function villageCentre(mp: MultiPoly): Pt {
  return pointOnSurface(largestPoly(mp))
}

/** Neighbour sets of a town's villages (shared edges plus ferry links); index = village index. */
export function villageAdjacency(polys: MultiPoly[], centres: Pt[] = polys.map(villageCentre)): Set<number>[] {
  const adj: Set<number>[] = polys.map(() => new Set())
  for (const [i, m] of sharedBoundary(polys)) {
    for (const [j, len] of m) {
      if (len > 0) {
        adj[i].add(j)
        adj[j].add(i)
      }
    }
  }
  for (;;) {
    const comp = components(adj)
    if (Math.max(...comp) === 0) return adj
    // Join component 0 with the nearest village of any other component.
    let best: [number, number] | null = null
    let bestD = Infinity
    for (let i = 0; i < polys.length; i++) {
      if (comp[i] !== 0) continue
      for (let j = 0; j < polys.length; j++) {
        if (comp[j] === 0) continue
        const d = dist2(centres[i], centres[j])
        if (d < bestD) {
          bestD = d
          best = [i, j]
        }
      }
    }
    const [i, j] = best!
    adj[i].add(j)
    adj[j].add(i)
  }
}

/** Connected-component label of each node (0 = the component of node 0). */
export function components(adj: Set<number>[]): number[] {
  const comp = adj.map(() => -1)
  let next = 0
  for (let s = 0; s < adj.length; s++) {
    if (comp[s] >= 0) continue
    comp[s] = next
    const queue = [s]
    for (let h = 0; h < queue.length; h++) {
      for (const v of adj[queue[h]]) {
        if (comp[v] < 0) {
          comp[v] = next
          queue.push(v)
        }
      }
    }
    next++
  }
  return comp
}

/** Whether a set of nodes induces a connected subgraph. */
export function isContiguous(nodes: number[], adj: Set<number>[]): boolean {
  if (nodes.length <= 1) return true
  const inSet = new Set(nodes)
  const seen = new Set([nodes[0]])
  const queue = [nodes[0]]
  for (let h = 0; h < queue.length; h++) {
    for (const v of adj[queue[h]]) {
      if (inSet.has(v) && !seen.has(v)) {
        seen.add(v)
        queue.push(v)
      }
    }
  }
  return seen.size === inSet.size
}
