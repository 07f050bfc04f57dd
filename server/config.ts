/** Process configuration, read once from the environment (README "Configuration"). */
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
  }
}
