import * as turf from '@turf/turf'
import fc from 'fast-check'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateDataset } from '../../../geodata/generate.js'
import { type MultiPoly, type Pt, multiArea, toGeoJSON } from '../../../geodata/geometry.js'
import { Rng } from '../../../geodata/random.js'
import { subdivide } from '../../../geodata/subdivide.js'
import type { Dataset, DivisionRecord } from '../../../geodata/types.js'
import { lookups } from './helpers.js'

const feature = (g: MultiPolygon | Polygon): Feature<MultiPolygon | Polygon> => turf.feature(g)
type Box = [number, number, number, number]
const overlaps = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]

/** Largest overlap area between bbox-overlapping pairs, relative to the smaller of the two. */
function worstOverlap(items: DivisionRecord[]): { pairs: number; worst: number } {
  const boxes = items.map((d) => turf.bbox(d.geometry) as Box)
  const areas = items.map((d) => turf.area(d.geometry))
  let pairs = 0
  let worst = 0
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (!overlaps(boxes[i], boxes[j])) continue
      pairs++
      const inter = turf.intersect(turf.featureCollection([feature(items[i].geometry), feature(items[j].geometry)]))
      if (inter) worst = Math.max(worst, turf.area(inter) / Math.min(areas[i], areas[j]))
    }
  }
  return { pairs, worst }
}

describe('Shaoguan geometry', () => {
  let data: Dataset
  beforeAll(() => {
    data = generateDataset({ city: '4402' })
  })

  it('partitions every county into its towns and every town into its villages (areas within 0.1 %)', () => {
    const { childrenOf, level } = lookups(data)
    for (const parent of [...level('city'), ...level('county'), ...level('town')]) {
      const sum = childrenOf.get(parent.code)!.reduce((s, c) => s + turf.area(c.geometry), 0)
      expect(Math.abs(sum - turf.area(parent.geometry)) / turf.area(parent.geometry)).toBeLessThan(0.001)
    }
  })

  it('has no overlapping villages or towns (any pair < 0.01 % of the smaller)', () => {
    const { level } = lookups(data)
    const villages = worstOverlap(level('village'))
    expect(villages.pairs).toBeGreaterThan(3000)
    expect(villages.worst).toBeLessThan(1e-4)
    expect(worstOverlap(level('town')).worst).toBeLessThan(1e-4)
  })

  it('gives only valid geometry: closed counter-clockwise shells, no kinks', () => {
    for (const d of data.divisions) {
      expect(d.geometry.type).toBe('MultiPolygon')
      expect(turf.booleanValid(feature(d.geometry)), d.code).toBe(true)
      expect(turf.kinks(feature(d.geometry)).features, d.code).toHaveLength(0)
      for (const poly of d.geometry.coordinates) {
        for (const [k, ring] of poly.entries()) {
          expect(ring[0]).toEqual(ring[ring.length - 1])
          expect(turf.booleanClockwise(ring), d.code).toBe(k > 0) // RFC 7946: shells CCW, holes CW
        }
      }
    }
  })

  it('keeps every inland town and village in one piece', () => {
    for (const d of data.divisions) if (d.level !== 'city') expect(d.geometry.coordinates, d.code).toHaveLength(1)
  })

  it('puts stations inside their town and service points inside their host village', () => {
    const { byCode } = lookups(data)
    for (const s of data.stations) expect(turf.booleanPointInPolygon(s.location, byCode.get(s.townCode)!.geometry), s.id).toBe(true)
    for (const p of data.servicePoints) expect(turf.booleanPointInPolygon(p.location, byCode.get(p.villageCode)!.geometry), p.id).toBe(true)
  })

  it('meets edge to edge: no vertex of a village lies inside an edge of another (no T-junctions)', () => {
    const { level } = lookups(data)
    const villages = level('village')
    const boxes = villages.map((v) => turf.bbox(v.geometry) as Box)
    let tJunctions = 0
    for (let i = 0; i < villages.length; i += 5) {
      const points = villages[i].geometry.coordinates.flat(2)
      for (let j = 0; j < villages.length; j++) {
        if (i === j || !overlaps(boxes[i], boxes[j])) continue
        for (const ring of villages[j].geometry.coordinates.flat()) {
          for (let k = 0; k + 1 < ring.length; k++) {
            const [a, b] = [ring[k], ring[k + 1]]
            const len = Math.hypot(b[0] - a[0], b[1] - a[1])
            for (const p of points) {
              const dist = Math.abs((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) / len
              const t = ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / (len * len)
              if (dist < 1e-10 && t > 1e-9 && t < 1 - 1e-9) tJunctions++
            }
          }
        }
      }
    }
    expect(tJunctions).toBe(0)
  })
})

describe('subdivide (property)', () => {
  // A random star-shaped polygon around (113, 24), optionally with a hole, split into n parts.
  const region = (radii: number[], hole: boolean): MultiPoly => {
    const shell: Pt[] = radii.map((r, i) => {
      const t = (2 * Math.PI * i) / radii.length
      return [113 + 0.1 * r * Math.cos(t), 24 + 0.1 * r * Math.sin(t)]
    })
    const inner: Pt[] = [
      [113.01, 24.01],
      [113.01, 24.03],
      [113.03, 24.03],
      [113.03, 24.01],
    ] // clockwise
    return [hole ? [shell, inner] : [shell]]
  }

  it('partitions exactly: areas add up, pieces valid and disjoint', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 1, noNaN: true }), { minLength: 5, maxLength: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 0, max: 1000 }),
        (radii, hole, n, seed) => {
          const r = region(radii, hole)
          const { parts } = subdivide(r, new Rng(seed), { count: n })
          expect(parts).toHaveLength(n)
          const sum = parts.reduce((s, p) => s + multiArea(p), 0)
          expect(Math.abs(sum - multiArea(r)) / multiArea(r)).toBeLessThan(1e-9)
          const geoms = parts.map((p) => ({ geometry: toGeoJSON(p) }) as DivisionRecord)
          for (const g of geoms) {
            expect(g.geometry.coordinates.length).toBeGreaterThan(0)
            expect(turf.booleanValid(feature(g.geometry))).toBe(true)
            expect(turf.kinks(feature(g.geometry)).features).toHaveLength(0)
          }
          expect(worstOverlap(geoms).worst).toBeLessThan(1e-6)
        },
      ),
      { numRuns: 40, seed: 20261123 },
    )
  })
})
