/**
 * Independent check of a solution against its model, in plain TypeScript.
 *
 * No backend's word is taken: every bound, every row and every integrality requirement is
 * re-checked and the objective recomputed. Integer variables must be within `intTol` of an
 * integer; they are then rounded and the rows are checked on the rounded values, so the
 * decision handed to a caller is exactly the one that was checked.
 */
import { objectiveOf, rowActivity, type LinearModel } from './model.js'

/** One broken requirement found by the verifier. */
export interface ConstraintViolation {
  kind: 'length' | 'not-finite' | 'bound' | 'integrality' | 'row' | 'objective'
  name: string
  value: number
  lb?: number
  ub?: number
}

/** Outcome of `verifySolution`. */
export interface Verification {
  ok: boolean
  /** The checked values (integers rounded exactly). */
  values: number[]
  /** Objective recomputed from the model data. */
  objective: number
  violations: ConstraintViolation[]
}

/** Tolerances of the verifier. */
export interface VerifyTolerances {
  /** Absolute tolerance of bounds and rows, scaled by max(1, |bound|). Default 1e-6. */
  feasTol?: number
  /** Distance from an integer allowed for an integer variable. Default 1e-6. */
  intTol?: number
  /** Relative tolerance between the recomputed and the reported objective. Default 1e-6. */
  objTol?: number
}

const MAX_REPORTED = 20

/** Checks `values` against every bound, row and integrality of `model` (and a reported objective). */
export function verifySolution(
  model: LinearModel,
  values: ArrayLike<number>,
  reportedObjective?: number,
  tol: VerifyTolerances = {},
): Verification {
  const feasTol = tol.feasTol ?? 1e-6
  const intTol = tol.intTol ?? 1e-6
  const objTol = tol.objTol ?? 1e-6
  const violations: ConstraintViolation[] = []
  const push = (v: ConstraintViolation) => {
    if (violations.length < MAX_REPORTED) violations.push(v)
  }
  const n = model.variables.length
  if (values.length !== n) {
    return {
      ok: false,
      values: Array.from(values),
      objective: NaN,
      violations: [{ kind: 'length', name: 'values', value: values.length, lb: n, ub: n }],
    }
  }
  const checked = new Array<number>(n)
  let bad = 0
  for (let j = 0; j < n; j++) {
    const v = model.variables[j]
    let x = values[j]
    if (!Number.isFinite(x)) {
      push({ kind: 'not-finite', name: v.name, value: x })
      bad++
      checked[j] = x
      continue
    }
    if (v.integer) {
      const r = Math.round(x)
      if (Math.abs(x - r) > intTol) {
        push({ kind: 'integrality', name: v.name, value: x })
        bad++
      }
      x = r
    }
    if (x < v.lb - feasTol * Math.max(1, Math.abs(v.lb)) || x > v.ub + feasTol * Math.max(1, Math.abs(v.ub))) {
      push({ kind: 'bound', name: v.name, value: x, lb: v.lb, ub: v.ub })
      bad++
    }
    checked[j] = x
  }
  for (const row of model.constraints) {
    const a = rowActivity(row, checked)
    const scale = Math.max(1, Math.abs(Number.isFinite(row.lb) ? row.lb : 0), Math.abs(Number.isFinite(row.ub) ? row.ub : 0))
    if (!(a >= row.lb - feasTol * scale && a <= row.ub + feasTol * scale)) {
      push({ kind: 'row', name: row.name, value: a, lb: row.lb, ub: row.ub })
      bad++
    }
  }
  const objective = objectiveOf(model, checked)
  if (reportedObjective !== undefined && Number.isFinite(objective)) {
    // The reported objective was computed from unrounded values; allow for the rounding.
    const slack = objTol * Math.max(1, Math.abs(objective)) + roundingSlack(model, values, checked)
    if (!(Math.abs(objective - reportedObjective) <= slack)) {
      push({ kind: 'objective', name: 'objective', value: reportedObjective, lb: objective, ub: objective })
      bad++
    }
  }
  return { ok: bad === 0, values: checked, objective, violations }
}

/** How much rounding the integer variables may have moved the objective. */
function roundingSlack(model: LinearModel, raw: ArrayLike<number>, rounded: number[]): number {
  let s = 0
  model.variables.forEach((v, j) => {
    if (v.integer && v.cost !== 0) s += Math.abs(v.cost * (raw[j] - rounded[j]))
  })
  return s
}

/** A one-line summary of violations, for logs and error messages. */
export function describeViolations(violations: readonly ConstraintViolation[]): string {
  return violations
    .slice(0, 5)
    .map((v) => {
      switch (v.kind) {
        case 'integrality':
          return `${v.name} = ${v.value} is not an integer`
        case 'bound':
          return `${v.name} = ${v.value} outside [${v.lb}, ${v.ub}]`
        case 'row':
          return `row ${v.name}: activity ${v.value} outside [${v.lb}, ${v.ub}]`
        case 'objective':
          return `reported objective ${v.value} differs from recomputed ${v.lb}`
        case 'length':
          return `${v.value} values for ${v.lb} variables`
        default:
          return `${v.name} = ${v.value} is not finite`
      }
    })
    .join('; ')
}
