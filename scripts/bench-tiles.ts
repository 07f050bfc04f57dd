/**
 * Tile latency (npm run bench -- --only tiles): villages tiles of the Shaoguan demo at zooms
 * 6-14 through GET /tiles/villages/… (the encoder of the database: ST_AsMVT on PostgreSQL,
 * JavaScript on the embedded one), beside the raw query of the same tiles without HTTP,
 * scope or version lookup (on PostgreSQL the ST_AsMVT statement; on the embedded database,
 * which has none, the clipping statement the JavaScript encoder starts from). Target: the
 * endpoint costs at most 1.2 × the raw query.
 */
import type { Knex } from 'knex'
import { postgisTile, tileFeatures } from '../server/repositories/tiles.repository.js'

const ZOOMS = [6, 8, 10, 12, 14]
/** Tiles timed per zoom at most (sampled over the villages' inner points), and rounds over them. */
const TILES_PER_ZOOM = 24
const ROUNDS = 3

type Tile = { z: number; x: number; y: number }

function tileOf(lng: number, lat: number, z: number): Tile {
  const n = 2 ** z
  const r = (lat * Math.PI) / 180
  return { z, x: Math.floor(((lng + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) }
}

/** Distinct tiles holding villages of the scope at zoom z, spread over the scope (every k-th). */
async function tilesAt(knex: Knex, scope: string, z: number): Promise<Tile[]> {
  const { rows } = await knex.raw(`select ST_X(inner_point) as x, ST_Y(inner_point) as y from divisions where level = 'village' and code like ? order by code`, [`${scope}%`])
  const seen = new Map<string, Tile>()
  for (const r of rows as { x: number; y: number }[]) {
    const t = tileOf(r.x, r.y, z)
    seen.set(`${t.x}/${t.y}`, t)
  }
  const all = [...seen.values()]
  const step = Math.max(1, Math.floor(all.length / TILES_PER_ZOOM))
  return all.filter((_, i) => i % step === 0).slice(0, TILES_PER_ZOOM)
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

export interface TileFigures {
  z: number
  tiles: number
  kib: number
  endpoint: { p50: number; p95: number }
  raw: { p50: number; p95: number }
}

/** Times the endpoint (base URL + session cookie) and the raw statement for the same tiles. */
export async function benchTiles(knex: Knex, kind: 'postgres' | 'embedded', base: string, cookie: string, scope = '4402'): Promise<TileFigures[]> {
  const doc = (await (await fetch(`${base}/tiles/villages.json?scope=${scope}`, { headers: { cookie } })).json()) as { tiles: string[] }
  const template = decodeURI(new URL(doc.tiles[0]!).pathname) + new URL(doc.tiles[0]!).search
  const out: TileFigures[] = []
  for (const z of ZOOMS) {
    const tiles = await tilesAt(knex, scope, z)
    const endpoint: number[] = []
    const raw: number[] = []
    let bytes = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tiles) {
        const path = template.replace('{z}', String(t.z)).replace('{x}', String(t.x)).replace('{y}', String(t.y))
        let start = performance.now()
        const res = await fetch(base + path, { headers: { cookie } })
        const body = await res.arrayBuffer()
        endpoint.push(performance.now() - start)
        if (res.status !== 200) throw new Error(`${path} → ${res.status}`)
        if (round === 0) bytes += body.byteLength
        start = performance.now()
        if (kind === 'postgres') await postgisTile(knex, 'villages', t, scope)
        else await tileFeatures(knex, 'villages', t, scope)
        raw.push(performance.now() - start)
      }
    }
    out.push({ z, tiles: tiles.length, kib: bytes / tiles.length / 1024, endpoint: { p50: pct(endpoint, 50), p95: pct(endpoint, 95) }, raw: { p50: pct(raw, 50), p95: pct(raw, 95) } })
  }
  return out
}
