/**
 * Weighted demand of a village (DESIGN.md §5): either given, or computed from population and
 * special-group counts with the plan's weights (defaults in solver/policy.ts).
 */
import { DEFAULT_DEMAND_WEIGHTS, SPECIAL_GROUPS, weightedDemand, type SpecialGroupCounts } from './policy.js'
import { SolverInputError } from './types.js'

/** Weights of weighted demand: per resident and per member of each special group. */
export type DemandWeights = { population: number } & SpecialGroupCounts

/** What an input may give about a village's demand: a ready number, or the counts. */
export interface DemandSource {
  /** Weighted demand, already computed; wins over population/groups. */
  demand?: number
  population?: number
  groups?: Partial<SpecialGroupCounts>
}

/** The plan's weights: defaults overridden by `partial`. */
export function resolveWeights(partial?: Partial<DemandWeights>): DemandWeights {
  const w = { ...DEFAULT_DEMAND_WEIGHTS, ...(partial ?? {}) }
  for (const [k, v] of Object.entries(w)) {
    if (!(Number.isFinite(v) && v >= 0)) throw new SolverInputError(`weight ${k} must be a number ≥ 0`, `weights.${k}`)
  }
  return w
}

/** Weighted demand of one village (DESIGN.md §5). */
export function villageDemand(v: DemandSource, weights: DemandWeights, field: string): number {
  if (v.demand !== undefined) {
    if (!(Number.isFinite(v.demand) && v.demand >= 0)) throw new SolverInputError(`${field}.demand must be a number ≥ 0`, `${field}.demand`)
    return v.demand
  }
  const population = v.population ?? 0
  if (!(Number.isFinite(population) && population >= 0)) throw new SolverInputError(`${field}.population must be a number ≥ 0`, `${field}.population`)
  const groups = {} as SpecialGroupCounts
  for (const g of SPECIAL_GROUPS) {
    const c = v.groups?.[g] ?? 0
    if (!(Number.isFinite(c) && c >= 0)) throw new SolverInputError(`${field}.groups.${g} must be a number ≥ 0`, `${field}.groups.${g}`)
    groups[g] = c
  }
  return weightedDemand(population, groups, weights)
}
