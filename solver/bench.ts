/**
 * Solver benchmarks: `npm run bench:solver -- [--only pmedcap1,pmedcap8] [--quick]
 * [--suite pmedcap,allocate,grids,visits] [--backend highs|jsLpSolver|both] [--time-limit SEC] [--parallel]`.
 *
 * Prints one table per suite with the machine's core count. Figures, not assertions
 * (DESIGN.md §8). Staffing and grid instances are SYNTHETIC (seeded) until the geodata
 * generator provides the demo data; pmedcap instances come from ../shared/benchmarks/pmedcap.
 */
import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { join } from 'node:path'
import { parsePmedcap, PMEDCAP_OPTIMA } from './benchmarks/pmedcap.js'
import { benchVisits } from './benchmarks/visits.js'
import { seededRandom, syntheticCounties, syntheticGridTowns } from './benchmarks/synthetic.js'
import { allocateStaff, verifyAllocation } from './problems/allocateStaff.js'
import { designGrids } from './problems/designGrids.js'
import { locate } from './problems/locate.js'
import type { BackendName } from './types.js'

interface Args {
  only: string[] | null
  quick: boolean
  suites: string[]
  backends: BackendName[]
  timeLimitSec: number
  parallel: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = { only: null, quick: false, suites: ['pmedcap', 'allocate', 'grids', 'visits'], backends: ['highs'], timeLimitSec: 900, parallel: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [key, inline] = a.includes('=') ? a.split('=', 2) : [a, undefined]
    const value = () => inline ?? argv[++i]
    if (key === '--only') args.only = value().split(',').map((s) => s.trim()).filter(Boolean)
    else if (key === '--quick') args.quick = true
    else if (key === '--parallel') args.parallel = true
    else if (key === '--suite') args.suites = value().split(',')
    else if (key === '--backend') {
      const b = value()
      args.backends = b === 'both' ? ['highs', 'jsLpSolver'] : [b as BackendName]
    } else if (key === '--time-limit') args.timeLimitSec = Number(value())
    else throw new Error(`unknown argument ${a}`)
  }
  if (args.only && !args.suites.includes('pmedcap')) args.suites.push('pmedcap')
  if (args.only) args.suites = args.suites.filter((s) => s === 'pmedcap' || args.only?.includes(s))
  return args
}

function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '(nothing run)'
  const cols = Object.keys(rows[0])
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i])).join(' | ')} |`
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n')
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function benchPmedcap(args: Args): Promise<void> {
  const dir = join(import.meta.dirname, '../../shared/benchmarks/pmedcap')
  if (!existsSync(dir)) {
    console.log(`pmedcap: ${dir} not found, skipped`)
    return
  }
  let names = Object.keys(PMEDCAP_OPTIMA)
  if (args.only) names = names.filter((n) => args.only?.includes(n))
  else if (args.quick) names = ['pmedcap1', 'pmedcap2', 'pmedcap3', 'pmedcap11']
  if (names.length === 0) return
  console.log(`\n## pmedcap (capacitated p-median), time limit ${args.timeLimitSec} s per instance`)
  const rows: Array<Record<string, string | number>> = []
  const seconds: Record<string, number[]> = {}
  for (const name of names) {
    const input = parsePmedcap(readFileSync(join(dir, `${name}.dat`), 'utf8'))
    for (const backend of args.backends) {
      const r = await locate(input, { backend, timeLimitSec: args.timeLimitSec, parallel: args.parallel })
      const sec = r.ms / 1000
      const optimum = PMEDCAP_OPTIMA[name]
      const wrong = r.status === 'optimal' && r.objective !== optimum
      ;(seconds[backend] ??= []).push(sec)
      rows.push({
        cores: availableParallelism(),
        instance: name,
        n: input.demands.length,
        p: input.p,
        optimum,
        found: r.objective ?? '-',
        status: wrong ? 'WRONG optimal' : r.status,
        gap: r.gap !== undefined ? `${(r.gap * 100).toFixed(2)}%` : '-',
        seconds: sec.toFixed(2),
        backend: r.stats.provenBy === 'lagrangian' ? 'none (Lagrangian bound)' : r.backend,
        'pairs kept': `${r.stats.pairsKept}/${r.stats.pairsTotal}`,
      })
      console.log(`  ${name} ${backend}: ${r.objective} (${r.status}) in ${sec.toFixed(2)} s`)
    }
  }
  console.log(table(rows))
  for (const [b, xs] of Object.entries(seconds)) {
    console.log(`${b}: ${xs.length} instances, median ${median(xs).toFixed(2)} s, total ${xs.reduce((a, x) => a + x, 0).toFixed(1)} s`)
  }
}

async function benchAllocate(args: Args): Promise<void> {
  console.log('\n## allocateStaff (SYNTHETIC instances of the real sizes, seed 42)')
  const sizes: Array<[string, number, number, number]> = [['Shaoguan-size', 10, 112, 1468]]
  if (!args.quick) sizes.push(['Guangdong-size', 122, 1757, 26842])
  const rows: Array<Record<string, string | number>> = []
  for (const [label, c, t, v] of sizes) {
    const counties = syntheticCounties(42, c, t, v)
    for (const allowCrossTownMoves of [true, false]) {
      const r = await allocateStaff({ counties, allowCrossTownMoves })
      const broken = verifyAllocation({ counties, allowCrossTownMoves }, r).length
      rows.push({
        cores: availableParallelism(),
        instance: `${label}${allowCrossTownMoves ? '' : ', no cross-town moves'}`,
        counties: c,
        towns: t,
        villages: v,
        status: r.status,
        verified: String(r.verified && broken === 0),
        objective: r.objective?.toFixed(2) ?? '-',
        seconds: (r.ms / 1000).toFixed(2),
        backend: r.backend,
      })
      console.log(`  ${rows[rows.length - 1].instance}: ${r.status} in ${(r.ms / 1000).toFixed(2)} s`)
    }
  }
  console.log(table(rows))
}

async function benchGrids(args: Args): Promise<void> {
  // 112 towns of 10-40 villages, 1,468 villages in all (Shaoguan's totals), SYNTHETIC.
  const rand = seededRandom(112)
  const count = args.quick ? 12 : 112
  const sizes = Array.from({ length: count }, () => 10)
  let left = (args.quick ? 160 : 1468) - 10 * count
  while (left > 0) {
    const k = Math.floor(rand() * count)
    if (sizes[k] < 40) {
      sizes[k]++
      left--
    }
  }
  console.log(`\n## designGrids: ${count} SYNTHETIC Shaoguan-size towns (${sizes.reduce((a, b) => a + b, 0)} villages, 10-40 each)`)
  const towns = syntheticGridTowns(2026, sizes)
  const started = Date.now()
  const byStatus: Record<string, number> = {}
  let worstGap = 0
  let slowest = { ms: 0, n: 0 }
  for (const town of towns) {
    const r = await designGrids(town, { timeLimitSec: 10 })
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1
    worstGap = Math.max(worstGap, r.gap ?? (r.status === 'optimal' ? 0 : Infinity))
    if (r.ms > slowest.ms) slowest = { ms: r.ms, n: town.villages.length }
  }
  const total = (Date.now() - started) / 1000
  console.log(
    table([
      {
        cores: availableParallelism(),
        towns: count,
        villages: sizes.reduce((a, b) => a + b, 0),
        statuses: Object.entries(byStatus).map(([s, c]) => `${c} ${s}`).join(', '),
        'worst gap': Number.isFinite(worstGap) ? `${(worstGap * 100).toFixed(3)}%` : 'no solution',
        'slowest town': `${(slowest.ms / 1000).toFixed(2)} s (${slowest.n} villages)`,
        'total seconds': total.toFixed(2),
      },
    ]),
  )
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  console.log(`# solver benchmarks — ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`)
  if (args.suites.includes('pmedcap')) await benchPmedcap(args)
  if (args.suites.includes('allocate')) await benchAllocate(args)
  if (args.suites.includes('grids')) await benchGrids(args)
  if (args.suites.includes('visits')) {
    console.log('\n## planVisits (8 stations, exact dynamic programme)')
    console.log(table(await benchVisits()))
  }
}

await main()
