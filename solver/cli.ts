/**
 * Command line: `npm run solve -- <problem> <input.json> [--backend highs|jsLpSolver|auto]
 * [--time-limit SEC] [--progress]`. Prints the result JSON on stdout; exit 0 when a verified
 * result exists, 2 on bad input (message on stderr), 1 otherwise (DESIGN.md §5).
 */
import { readFileSync } from 'node:fs'
import { isProblemName, PROBLEMS, runProblem } from './problems/registry.js'
import { SolverInputError, type BackendChoice, type RunOptions } from './types.js'

const USAGE = `usage: npm run solve -- <problem> <input.json> [--backend auto|highs|jsLpSolver] [--time-limit SEC] [--progress]
problems: ${Object.keys(PROBLEMS).join(', ')}`

async function main(argv: string[]): Promise<number> {
  const positional: string[] = []
  const opts: RunOptions = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--backend') {
      const b = argv[++i]
      if (b !== 'auto' && b !== 'highs' && b !== 'jsLpSolver') return usage(`unknown backend ${b}`)
      opts.backend = b as BackendChoice
    } else if (a === '--time-limit') {
      const t = Number(argv[++i])
      if (!(t > 0)) return usage('--time-limit needs a positive number of seconds')
      opts.timeLimitSec = t
    } else if (a === '--progress') {
      opts.onProgress = (p) => process.stderr.write(`${JSON.stringify(p)}\n`)
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`)
      return 0
    } else positional.push(a)
  }
  if (positional.length !== 2) return usage('expected a problem and an input file')
  const [problem, file] = positional
  if (!isProblemName(problem)) return usage(`unknown problem ${problem}`)
  let input: unknown
  try {
    input = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    return usage(`cannot read ${file}: ${(err as Error).message}`)
  }
  try {
    const result = (await runProblem(problem, input as never, opts)) as { verified?: boolean }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    return result.verified ? 0 : 1
  } catch (err) {
    if (err instanceof SolverInputError) {
      process.stderr.write(`bad input${err.field ? ` (${err.field})` : ''}: ${err.message}\n`)
      return 2
    }
    process.stderr.write(`solver failed: ${(err as Error).stack ?? err}\n`)
    return 1
  }
}

function usage(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`)
  return 2
}

process.exitCode = await main(process.argv.slice(2))
