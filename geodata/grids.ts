/**
 * Grid units of a town (contiguous groups of villages, grown breadth-first from spread-out
 * seeds so their weighted demand stays balanced) and the host village of each unit's
 * service point.
 */
import { type Pt, dist2 } from './geometry.js'

/** Hop distances from a set of sources in a graph. */
function hops(adj: Set<number>[], sources: number[]): number[] {
  const d = adj.map(() => Infinity)
  const queue = sources.slice()
  for (const s of sources) d[s] = 0
  for (let h = 0; h < queue.length; h++) {
    for (const v of adj[queue[h]]) {
      if (d[v] === Infinity) {
        d[v] = d[queue[h]] + 1
        queue.push(v)
      }
    }
  }
  return d
}

/**
 * Splits a town's villages into k contiguous units. Seeds: the village farthest from the
 * villages' mean, then repeatedly the one farthest (in hops, then degrees) from the seeds;
 * growth: the unit with the least demand takes its unassigned neighbour nearest its seed.
 * Each unit lists its villages in the order they joined (removing the last keeps it contiguous).
 */
export function designGridUnits(adj: Set<number>[], demand: number[], centres: Pt[], k: number): number[][] {
  const n = adj.length
  k = Math.max(1, Math.min(k, n))
  const mean: Pt = [centres.reduce((s, c) => s + c[0], 0) / n, centres.reduce((s, c) => s + c[1], 0) / n]
  const seeds = [argmax(n, (i) => dist2(centres[i], mean))]
  while (seeds.length < k) {
    const d = hops(adj, seeds)
    seeds.push(argmax(n, (i) => (seeds.includes(i) ? -1 : Math.min(d[i], 1e6) * 1e6 + Math.min(...seeds.map((s) => dist2(centres[i], centres[s]))))))
  }
  const unitOf = new Int32Array(n).fill(-1)
  const units = seeds.map((s, u) => {
    unitOf[s] = u
    return [s]
  })
  const load = seeds.map((s) => demand[s])
  for (let left = n - k; left > 0; left--) {
    const order = units.map((_, u) => u).sort((a, b) => load[a] - load[b] || a - b)
    let placed = false
    for (const u of order) {
      let best = -1
      let bestD = Infinity
      for (const v of units[u]) {
        for (const w of adj[v]) {
          if (unitOf[w] >= 0) continue
          const d = dist2(centres[w], centres[seeds[u]])
          if (d < bestD || (d === bestD && w < best)) {
            bestD = d
            best = w
          }
        }
      }
      if (best < 0) continue
      unitOf[best] = u
      units[u].push(best)
      load[u] += demand[best]
      placed = true
      break
    }
    if (!placed) throw new Error('designGridUnits: the village graph is not connected')
  }
  return units
}

/** The host of a unit's service point: the village with the least demand-weighted distance to the others. */
export function chooseHost(unit: number[], demand: number[], centres: Pt[]): number {
  let best = unit[0]
  let bestCost = Infinity
  for (const v of unit) {
    let cost = 0
    for (const u of unit) cost += demand[u] * Math.sqrt(dist2(centres[v], centres[u]))
    if (cost < bestCost - 1e-12 || (Math.abs(cost - bestCost) <= 1e-12 && demand[v] > demand[best])) {
      bestCost = cost
      best = v
    }
  }
  return best
}

function argmax(n: number, score: (i: number) => number): number {
  let best = 0
  let bestS = -Infinity
  for (let i = 0; i < n; i++) {
    const s = score(i)
    if (s > bestS) {
      bestS = s
      best = i
    }
  }
  return best
}
