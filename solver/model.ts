/**
 * One way to state a linear model (LP or MILP), independent of any backend.
 *
 * The model is plain data (arrays and numbers, `Infinity` for a missing bound) so it can be
 * posted to a worker thread, written to a test fixture, and checked by `verify.ts` without
 * any solver. Variables and rows are addressed by index; names are for messages only.
 */

/** A decision variable: bounds, objective coefficient and integrality. */
export interface ModelVariable {
  readonly name: string
  readonly lb: number
  readonly ub: number
  readonly cost: number
  readonly integer: boolean
}

/** A linear row `lb ≤ Σ coefs[k] · x[vars[k]] ≤ ub` (equal bounds make an equation). */
export interface ModelConstraint {
  readonly name: string
  readonly vars: readonly number[]
  readonly coefs: readonly number[]
  readonly lb: number
  readonly ub: number
}

/** A linear model: minimise or maximise `offset + Σ cost_j x_j` subject to rows and bounds. */
export interface LinearModel {
  readonly sense: 'min' | 'max'
  readonly offset: number
  readonly variables: readonly ModelVariable[]
  readonly constraints: readonly ModelConstraint[]
}

/** Options of a new variable; defaults: continuous, `0 ≤ x < ∞`, cost 0. */
export interface VariableOptions {
  lb?: number
  ub?: number
  cost?: number
  integer?: boolean
}

/** True when the model has at least one integer variable. */
export function isMip(model: LinearModel): boolean {
  return model.variables.some((v) => v.integer)
}

/** Objective value of `values` for `model`, recomputed from the data. */
export function objectiveOf(model: LinearModel, values: ArrayLike<number>): number {
  let total = model.offset
  model.variables.forEach((v, j) => {
    if (v.cost !== 0) total += v.cost * values[j]
  })
  return total
}

/** Activity `Σ coefs · x` of one row. */
export function rowActivity(row: ModelConstraint, values: ArrayLike<number>): number {
  let sum = 0
  for (let k = 0; k < row.vars.length; k++) sum += row.coefs[k] * values[row.vars[k]]
  return sum
}

/** Builds a `LinearModel` incrementally; indices returned by `addVar` address the variables. */
export class ModelBuilder {
  private readonly variables: ModelVariable[] = []
  private readonly constraints: ModelConstraint[] = []
  private offset = 0

  constructor(private readonly sense: 'min' | 'max' = 'min') {}

  /** Adds a variable and returns its index. */
  addVar(name: string, opts: VariableOptions = {}): number {
    const v: ModelVariable = {
      name,
      lb: opts.lb ?? 0,
      ub: opts.ub ?? Infinity,
      cost: opts.cost ?? 0,
      integer: opts.integer ?? false,
    }
    if (!(v.lb <= v.ub)) throw new Error(`variable ${name}: lower bound ${v.lb} above upper bound ${v.ub}`)
    this.variables.push(v)
    return this.variables.length - 1
  }

  /** Adds a 0/1 variable and returns its index. */
  addBinary(name: string, cost = 0): number {
    return this.addVar(name, { lb: 0, ub: 1, cost, integer: true })
  }

  /** Adds the row `lb ≤ Σ coefs·x ≤ ub`; duplicate variable indices are merged. */
  addRow(name: string, vars: readonly number[], coefs: readonly number[], lb: number, ub: number): number {
    if (vars.length !== coefs.length) throw new Error(`row ${name}: ${vars.length} variables but ${coefs.length} coefficients`)
    const merged = new Map<number, number>()
    vars.forEach((j, k) => {
      if (!(j >= 0 && j < this.variables.length)) throw new Error(`row ${name}: unknown variable index ${j}`)
      merged.set(j, (merged.get(j) ?? 0) + coefs[k])
    })
    const mv: number[] = []
    const mc: number[] = []
    for (const [j, c] of merged) {
      if (c !== 0) {
        mv.push(j)
        mc.push(c)
      }
    }
    this.constraints.push({ name, vars: mv, coefs: mc, lb, ub })
    return this.constraints.length - 1
  }

  /** Adds `Σ coefs·x ≤ rhs`. */
  le(name: string, vars: readonly number[], coefs: readonly number[], rhs: number): number {
    return this.addRow(name, vars, coefs, -Infinity, rhs)
  }

  /** Adds `Σ coefs·x ≥ rhs`. */
  ge(name: string, vars: readonly number[], coefs: readonly number[], rhs: number): number {
    return this.addRow(name, vars, coefs, rhs, Infinity)
  }

  /** Adds `Σ coefs·x = rhs`. */
  eq(name: string, vars: readonly number[], coefs: readonly number[], rhs: number): number {
    return this.addRow(name, vars, coefs, rhs, rhs)
  }

  /** Adds a constant to the objective. */
  addOffset(value: number): void {
    this.offset += value
  }

  /** Number of variables so far. */
  get variableCount(): number {
    return this.variables.length
  }

  /** The finished model (the builder's arrays are copied). */
  build(): LinearModel {
    return {
      sense: this.sense,
      offset: this.offset,
      variables: this.variables.slice(),
      constraints: this.constraints.slice(),
    }
  }
}
