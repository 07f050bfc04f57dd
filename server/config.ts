/** Process configuration, read once from the environment (README "Configuration"). */
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { isLevel } from '../geodata/codes.js'

export interface AppConfig {
  /** PostgreSQL + PostGIS connection string; unset → the embedded PGlite database. */
  databaseUrl: string | null
  /** Folder of the embedded database (and other local state). */
  dataDir: string
  port: number
  /** Seed the Shaoguan demo when the database holds no divisions. */
  seedDemo: boolean
  /** City (4-digit code) seeded as the demo. */
  demoCity: string
  /** Express `trust proxy`: `loopback` (default), `false`, a hop count or a list of addresses. */
  trustProxy: boolean | number | string
  /** Origins a configured basemap loads from, allowed by the Content-Security-Policy. */
  basemapOrigins: string[]
  /** Run job workers in the server process (WORKERS=0: only queue jobs; PostgreSQL only). */
  workers: boolean
  /** Jobs a process runs at once. */
  jobConcurrency: number
  /** PostgreSQL: a running job without a heartbeat for this long is failed (its worker died). */
  jobStaleSec: number
  /** Worker threads of the solver pool (every MILP runs on one). */
  solverThreads: number
  /** Who encodes vector tiles (TILE_ENCODER: `postgis` or `js`); unset → PostGIS on PostgreSQL, JavaScript on the embedded database. */
  tileEncoder: 'postgis' | 'js' | undefined
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${value}"`)
  return n
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  const v = (value ?? 'loopback').trim()
  if (v === 'true' || v === 'false') return v === 'true'
  if (/^\d+$/.test(v)) return Number(v)
  return v
}

function parseOrigins(value: string | undefined): string[] {
  const origins = (value ?? '').split(/[\s,]+/).filter(Boolean)
  for (const o of origins) {
    if (!/^https?:\/\/[^/\s'";]+$/.test(o)) throw new Error(`BASEMAP_ORIGINS: "${o}" is not an origin like https://t0.tianditu.gov.cn`)
  }
  return origins
}

function parseTileEncoder(value: string | undefined): 'postgis' | 'js' | undefined {
  const v = value?.trim()
  if (!v) return undefined
  if (v !== 'postgis' && v !== 'js') throw new Error(`TILE_ENCODER must be postgis or js, got "${value}"`)
  return v
}

/** Reads the configuration from an environment (process.env by default). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0-65535, got "${env.PORT}"`)
  const demoCity = env.DEMO_CITY ?? '4402'
  if (!isLevel(demoCity, 'city')) throw new Error(`DEMO_CITY must be a 4-digit city code, got "${demoCity}"`)
  return {
    databaseUrl: env.DATABASE_URL?.trim() || null,
    dataDir: path.resolve(env.DATA_DIR ?? '.data'),
    port,
    seedDemo: env.SEED_DEMO !== '0' && env.SEED_DEMO !== 'false',
    demoCity,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    basemapOrigins: parseOrigins(env.BASEMAP_ORIGINS),
    workers: env.WORKERS !== '0' && env.WORKERS !== 'false',
    jobConcurrency: positiveInt('JOB_CONCURRENCY', env.JOB_CONCURRENCY, 2),
    jobStaleSec: positiveInt('JOB_STALE_SEC', env.JOB_STALE_SEC, 60),
    solverThreads: positiveInt('SOLVER_THREADS', env.SOLVER_THREADS, availableParallelism()),
    tileEncoder: parseTileEncoder(env.TILE_ENCODER),
  }
}
