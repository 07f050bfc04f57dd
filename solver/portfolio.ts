/**
 * A portfolio race: the same problem stated in several equivalent ways (e.g. with and without
 * extra cuts) solved at once in separate worker threads; the first proven optimum wins and
 * the others are cancelled. MILP solve times vary a lot between equivalent formulations, so
 * on a machine with spare cores the race usually finishes near the fastest of them.
 */
import type { LinearModel } from './model.js'
import { solveOffThread } from './run.js'
import type { ModelSolution, SolveModelOptions } from './solve.js'
import type { CancelToken } from './types.js'

/** Options of `raceModels`; `initialSolution` may differ per model. */
export interface RaceOptions extends Omit<SolveModelOptions, 'cancel' | 'onProgress' | 'initialSolution' | 'backends'> {
  initialSolutions?: Array<number[] | undefined>
  cancel?: CancelToken
}

const RANK: Record<string, number> = { optimal: 0, feasible: 1 }

/** Solves equivalent models in parallel; returns the first proven optimum (or the best result). */
export async function raceModels(models: readonly LinearModel[], opts: RaceOptions = {}): Promise<{ solution: ModelSolution; winner: number }> {
  const controllers = models.map(() => new AbortController())
  const { initialSolutions, cancel, ...rest } = opts
  const poll = cancel ? setInterval(() => cancel.cancelled && controllers.forEach((c) => c.abort()), 100) : undefined
  try {
    const results: Array<ModelSolution | null> = models.map(() => null)
    return await new Promise((resolve, reject) => {
      let pending = models.length
      let done = false
      const settle = () => {
        let best = -1
        results.forEach((r, k) => {
          if (!r) return
          if (best < 0) best = k
          const a = results[best] as ModelSolution
          const ra = RANK[a.status] ?? 9
          const rk = RANK[r.status] ?? 9
          if (rk < ra || (rk === ra && r.verified && (r.objective ?? Infinity) < (a.objective ?? Infinity))) best = k
        })
        if (best < 0) reject(new Error('every portfolio member failed'))
        else resolve({ solution: results[best] as ModelSolution, winner: best })
      }
      models.forEach((model, k) => {
        solveOffThread('model', { model, options: { ...rest, initialSolution: initialSolutions?.[k] } }, { timeLimitSec: rest.timeLimitSec, signal: controllers[k].signal })
          .then(
            (r) => {
              results[k] = r
              if (!done && r.status === 'optimal' && r.verified) {
                done = true
                controllers.forEach((c, j) => j !== k && c.abort())
                resolve({ solution: r, winner: k })
              }
            },
            () => undefined,
          )
          .finally(() => {
            pending--
            if (pending === 0 && !done) {
              done = true
              settle()
            }
          })
      })
    })
  } finally {
    clearInterval(poll)
  }
}
