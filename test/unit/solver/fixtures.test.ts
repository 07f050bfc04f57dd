// Fixture tests: test/fixtures/solver/<problem>-<case>/in.json → out.json.
// Regenerate on purpose with REGEN=1 (and say why in the commit).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isProblemName, runProblem } from '../../../solver/index.js'

const root = join(import.meta.dirname, '../../fixtures/solver')
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'in.json')))
  .map((d) => d.name)
  .sort()

/** Drops run-dependent fields (timings) and rounds floats so fixtures are stable. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (k !== 'ms') out[k] = normalise(v)
    return out
  }
  if (typeof value === 'number' && !Number.isInteger(value)) return Number(value.toPrecision(8))
  return value
}

describe('solver fixtures', () => {
  it('has a fixture for every problem', () => {
    const problems = new Set(cases.map((c) => c.split('-')[0]))
    for (const p of ['locate', 'allocateStaff', 'assignWorkers', 'designGrids', 'assignSupervisors', 'planVisits']) expect(problems).toContain(p)
  })
  for (const name of cases) {
    it(name, async () => {
      const problem = name.split('-')[0]
      if (!isProblemName(problem)) throw new Error(`fixture ${name}: unknown problem ${problem}`)
      const input = JSON.parse(readFileSync(join(root, name, 'in.json'), 'utf8'))
      const result = normalise(await runProblem(problem, input))
      const outFile = join(root, name, 'out.json')
      if (process.env.REGEN) writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`)
      else if (!existsSync(outFile)) throw new Error(`fixture ${name} has no out.json: create it on purpose with REGEN=1 and check it by eye`)
      expect(result).toEqual(JSON.parse(readFileSync(outFile, 'utf8')))
    })
  }
})
