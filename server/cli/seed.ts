/**
 * npm run seed -- --city <4-digit code> | --province 44 [--reset] [--seed <n>]
 *
 * Generates the deterministic synthetic demo for a city or all of Guangdong and writes
 * it to the database named by DATABASE_URL (or the embedded one in DATA_DIR).
 * --reset first deletes all data (divisions, network; not the audit log).
 */
import { parseArgs } from 'node:util'
import { isLevel, provinceOf } from '../../geodata/codes.js'
import { readConfig } from '../config.js'
import { openDatabase } from '../db/connection.js'
import { migrateLatest } from '../db/migrate.js'
import { clearDataset } from '../repositories/dataset.repository.js'
import { seedDemo } from '../services/seed.service.js'

const usage = 'usage: npm run seed -- (--city <4-digit code> | --province 44) [--reset] [--seed <n>]'

function fail(message: string): never {
  console.error(`${message}\n${usage}`)
  process.exit(2)
}

let args
try {
  args = parseArgs({
    options: {
      city: { type: 'string' },
      province: { type: 'string' },
      reset: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values
} catch (err) {
  fail((err as Error).message)
}
if (args.help) {
  console.log(usage)
  process.exit(0)
}
if (Boolean(args.city) === Boolean(args.province)) fail('give exactly one of --city or --province')
if (args.city && !(isLevel(args.city, 'city') && provinceOf(args.city) === '44')) fail(`--city must be a Guangdong city code like 4402, got "${args.city}"`)
if (args.province && args.province !== '44') fail(`--province: only 44 (Guangdong) has source data, got "${args.province}"`)
const seed = Number(args.seed)
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got "${args.seed}"`)

const config = readConfig()
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }).catch((err: Error) => {
  console.error(err.message)
  process.exit(1)
})
try {
  await migrateLatest(db.knex)
  if (args.reset) {
    await clearDataset(db.knex)
    console.log('deleted all data')
  }
  const scope = args.city ? { city: args.city } : { province: '44' as const }
  console.log(`seeding ${args.city ? `city ${args.city}` : 'province 44'} (seed ${seed}) into ${db.kind} database…`)
  const report = await seedDemo(db.knex, scope, seed)
  console.log(`generated in ${(report.generateMs / 1000).toFixed(1)} s, inserted in ${(report.insertMs / 1000).toFixed(1)} s`)
  console.log(`divisions now in the database: ${JSON.stringify(report.counts)}`)
} catch (err) {
  console.error(`seeding failed: ${(err as Error).message}`)
  process.exitCode = 1
} finally {
  await db.close()
}
