/**
 * Splits a region (a county, a town) into n contiguous parts: seeded sites inside the
 * region, a Voronoi diagram of them partitioned exactly against the region
 * (partitionByTiling), a couple of Lloyd steps for compact shapes, and stray fragments
 * merged into their neighbours. An optional cluster of sites around a centre gives
 * small parts there (urban streets around a county seat, communities around a town centre).
 */
import { type MultiPoly, type Pt, PointLocator, dist2, largestPoly, multiArea, pointInPoly, polyCentroid, pointOnSurface } from './geometry.js'
import { PartitionError, partitionByTiling } from './partition.js'
import type { Rng } from './random.js'
import { mergeFragments, sharedBoundary } from './rings.js'
import { voronoiTiling } from './voronoi.js'

export interface SubdivideOptions {
  /** Number of parts (≥ 1). */
  count: number
  /** The first `clustered` parts get sites packed around `centre` and keep them (no Lloyd). */
  clustered?: number
  centre?: Pt
  /** Lloyd relaxation steps for the other sites (default 2). */
  lloydSteps?: number
}

export interface Subdivision {
  /** parts[i]: the piece(s) of the region owned by site i. */
  parts: MultiPoly[]
  sites: Pt[]
  /** Shared boundary length (degrees) between parts: adjacency.get(i)?.get(j). */
  adjacency: Map<number, Map<number, number>>
}

const CANDIDATES = 12

/** Splits a region into `count` parts (see the module comment); deterministic for a given rng state. */
export function subdivide(region: MultiPoly, rng: Rng, opts: SubdivideOptions): Subdivision {
  const n = opts.count
  if (n <= 1) return { parts: [region], sites: [pointOnSurface(largestPoly(region))], adjacency: new Map() }
  const clustered = Math.min(opts.clustered ?? 0, n - 1)
  const locator = new PointLocator(region)
  const sites = placeSites(region, locator, rng, n, clustered, opts.centre)
  const box = locator.bbox
  const area = multiArea(region)
  const partition = (s: Pt[]): MultiPoly[] => {
    for (let attempt = 0; ; attempt++) {
      try {
        const extent = { ...box }
        for (const [x, y] of s) {
          extent.minX = Math.min(extent.minX, x)
          extent.maxX = Math.max(extent.maxX, x)
          extent.minY = Math.min(extent.minY, y)
          extent.maxY = Math.max(extent.maxY, y)
        }
        const parts = partitionByTiling(region, voronoiTiling(s, extent))
        const sum = parts.reduce((acc, mp) => acc + multiArea(mp), 0)
        if (Math.abs(sum - area) > area * 1e-9) throw new PartitionError('pieces do not add up to the region')
        return parts
      } catch (e) {
        if (!(e instanceof PartitionError) || attempt >= 8) throw e
        // Floating-point trouble at a near-degenerate spot: nudge the sites a hair and retry.
        const eps = Math.max(box.maxX - box.minX, box.maxY - box.minY) * 1e-7
        for (let i = 0; i < s.length; i++) s[i] = nudgeInside(locator, s[i], eps, rng)
      }
    }
  }
  for (let step = 0; step < (opts.lloydSteps ?? 2); step++) {
    const parts = partition(sites)
    for (let i = clustered; i < n; i++) {
      if (parts[i].length === 0) continue
      const main = largestPoly(parts[i])
      const c = polyCentroid(main)
      const next = pointInPoly(c[0], c[1], main) ? c : pointOnSurface(main)
      if (sites.every((s, j) => j === i || dist2(s, next) > 1e-14)) sites[i] = next
    }
  }
  const parts = mergeFragments(partition(sites))
  for (let i = 0; i < n; i++) {
    if (parts[i].length === 0) throw new Error(`subdivide: part ${i} of ${n} came out empty`)
  }
  return { parts, sites, adjacency: sharedBoundary(parts) }
}

/** A uniform random point of the region (rejection sampling in its bounding box). */
export function randomPointIn(region: MultiPoly, rng: Rng, locator = new PointLocator(region)): Pt {
  const b = locator.bbox
  for (let i = 0; i < 100000; i++) {
    const p: Pt = [rng.uniform(b.minX, b.maxX), rng.uniform(b.minY, b.maxY)]
    if (locator.contains(p[0], p[1])) return p
  }
  return pointOnSurface(largestPoly(region))
}

function nudgeInside(inside: PointLocator, p: Pt, eps: number, rng: Rng): Pt {
  for (let i = 0; i < 20; i++) {
    const q: Pt = [p[0] + rng.uniform(-eps, eps), p[1] + rng.uniform(-eps, eps)]
    if (inside.contains(q[0], q[1])) return q
  }
  return p
}

/** Best-candidate sampling: the cluster inside a disc around the centre, the rest anywhere. */
function placeSites(region: MultiPoly, locator: PointLocator, rng: Rng, n: number, clustered: number, centre: Pt | undefined): Pt[] {
  const area = multiArea(region)
  const sites: Pt[] = []
  const far = (p: Pt) => sites.reduce((m, s) => Math.min(m, dist2(s, p)), Infinity)
  const minGap = (area / n) * 1e-6
  const pick = (draw: () => Pt | null) => {
    let best: Pt | null = null
    let bestD = -1
    for (let k = 0; k < CANDIDATES; k++) {
      const p = draw()
      if (!p) continue
      const d = far(p)
      if (d > bestD) {
        bestD = d
        best = p
      }
    }
    if (!best || bestD <= minGap) best = randomPointIn(region, rng, locator)
    sites.push(best)
  }
  if (clustered > 0 && centre) {
    // The cluster's disc holds ~35 % of the area its share of parts would get.
    const radius = Math.sqrt((0.35 * clustered * area) / n / Math.PI)
    const inDisc = (): Pt | null => {
      for (let i = 0; i < 200; i++) {
        const r = radius * Math.sqrt(rng.next())
        const t = 2 * Math.PI * rng.next()
        const p: Pt = [centre[0] + (r * Math.cos(t)) / Math.cos((centre[1] * Math.PI) / 180), centre[1] + r * Math.sin(t)]
        if (locator.contains(p[0], p[1])) return p
      }
      return null
    }
    for (let i = 0; i < clustered; i++) pick(inDisc)
  }
  while (sites.length < n) pick(() => randomPointIn(region, rng, locator))
  return sites
}
