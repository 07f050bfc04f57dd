/**
 * Every problem by name, for the CLI and the worker thread. A problem is an async function
 * `(input, options) => result`; the registry is the one place that lists them.
 */
import type { LinearModel } from '../model.js'
import { solveModel, type ModelSolution, type SolveModelOptions } from '../solve.js'
import type { RunOptions } from '../types.js'
import { allocateStaff } from './allocateStaff.js'
import { assignSupervisors } from './assignSupervisors.js'
import { assignWorkers } from './assignWorkers.js'
import { designGrids } from './designGrids.js'
import { locate } from './locate.js'
import { planVisits } from './planVisits.js'

/** Solves a raw `LinearModel` (the engine itself, as a problem). */
async function model(input: { model: LinearModel; options?: SolveModelOptions }, options: RunOptions = {}): Promise<ModelSolution> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
  return solveModel(input.model, { ...input.options, ...given })
}

/** All problems by name. */
export const PROBLEMS = { locate, allocateStaff, assignWorkers, designGrids, assignSupervisors, planVisits, model } as const

/** A problem's name. */
export type ProblemName = keyof typeof PROBLEMS
/** The input type of a problem. */
export type ProblemInput<K extends ProblemName> = Parameters<(typeof PROBLEMS)[K]>[0]
/** The result type of a problem. */
export type ProblemResult<K extends ProblemName> = Awaited<ReturnType<(typeof PROBLEMS)[K]>>

/** True when `name` is a problem. */
export function isProblemName(name: string): name is ProblemName {
  return Object.prototype.hasOwnProperty.call(PROBLEMS, name)
}

/** Runs a problem by name in the current thread. */
export function runProblem<K extends ProblemName>(name: K, input: ProblemInput<K>, options: RunOptions = {}): Promise<ProblemResult<K>> {
  const fn = PROBLEMS[name] as (input: ProblemInput<K>, options: RunOptions) => Promise<ProblemResult<K>>
  return fn(input, options)
}
