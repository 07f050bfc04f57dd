/**
 * `designGrids`: partition one town's villages into k ∈ {2, 3} contiguous grid units
 * (STATION_GRID_UNITS, Dongguan rules) and choose each unit's host village (its service point).
 *
 * MILP (x_ij: village i in the unit hosted by j; x_jj: j hosts a unit):
 *   min Σ_ij d_i · km(i, j) · x_ij                      (demand-weighted distance to the host)
 *   Σ_j x_ij = 1,  x_ij ≤ x_jj,  Σ_j x_jj = k
 *   (1 − τ)·D/k · x_jj ≤ Σ_i d_i x_ij ≤ (1 + τ)·D/k · x_jj   (balance within tolerance τ)
 *   contiguity: x_ij ≤ Σ_{s ∈ S} x_sj for every vertex set S separating i from j
 *     (a–b separator inequalities; the neighbours of i are added up front, further
 *     separators from disconnected components of each solution until none is left).
 * The loop ends only with every unit connected (checked by BFS); each round's MILP optimum
 * is a lower bound, so the final answer is optimal when that bound meets it.
 * Mode `evaluate` keeps today's units and only reports how far they are from balanced.
 */
import { resolveWeights, villageDemand, type DemandSource, type DemandWeights } from '../demand.js'
import { distanceBetween, isLngLat, type DistanceTable, type LngLat } from '../geo.js'
import { buildGraph, components, neighbourhood, type Graph } from '../grids/graph.js'
import { ModelBuilder, type LinearModel } from '../model.js'
import { STATION_GRID_UNITS, VILLAGE_COVERAGE } from '../policy.js'
import { solveModel } from '../solve.js'
import { SolverInputError, type Infeasibility, type RunOptions, type SolveMeta } from '../types.js'

/** A village of the town. */
export interface GridVillageInput extends DemandSource {
  code: string
  name?: string
  lnglat?: LngLat
}

/** A grid unit as it is today. */
export interface GridUnitInput {
  id: string
  hostVillage: string
  villages: string[]
}

/** Input of `designGrids`. */
export interface DesignGridsInput {
  town: { code: string; name?: string }
  villages: GridVillageInput[]
  /** Pairs of village codes that share a boundary. */
  adjacency: Array<[string, string]>
  /** Metres between villages `distancesM[a][b]`; else haversine between `lnglat`s. */
  distancesM?: DistanceTable
  /** Number of units (2 or 3), or `auto` (default): the fewest that can be balanced. */
  units?: number | 'auto'
  /** Each unit's demand within (1 ± τ) · D / k; default 0.25. */
  balanceTolerance?: number
  weights?: Partial<DemandWeights>
  /** Today's units (required in mode `evaluate`). */
  current?: GridUnitInput[]
  /** `design` (default) computes new units; `evaluate` reports on today's. */
  mode?: 'design' | 'evaluate'
}

/** One grid unit of the answer. */
export interface GridUnit {
  id: string
  host: string
  villages: string[]
  demand: number
  /** Demand relative to the even share D / k (1 = perfectly balanced). */
  share: number
  contiguous: boolean
  /** Σ demand × km to the host. */
  weightedDistance: number
}

/** Output of `designGrids`. */
export interface DesignGridsResult extends SolveMeta {
  town: { code: string; name: string }
  mode: 'design' | 'evaluate'
  units: GridUnit[]
  balance: { target: number; maxDeviation: number; tolerance: number; withinTolerance: boolean }
  contiguous: boolean
  rounds?: number
  explanations?: Infeasibility[]
}

interface Prepared {
  codes: string[]
  demand: number[]
  km: number[][]
  g: Graph
  tol: number
  town: { code: string; name: string }
}

/** Designs (or evaluates) the grid units of one town. */
export async function designGrids(input: DesignGridsInput, options: RunOptions = {}): Promise<DesignGridsResult> {
  const started = Date.now()
  const prep = prepare(input)
  if ((input.mode ?? 'design') === 'evaluate') return evaluate(input, prep, started)
  const { min, max } = STATION_GRID_UNITS.value
  const ks = input.units === undefined || input.units === 'auto' ? range(min, max) : [input.units]
  if (ks.some((k) => !Number.isInteger(k) || k < min || k > max)) {
    throw new SolverInputError(`units must be between ${min} and ${max} (${STATION_GRID_UNITS.source}) or 'auto'`, 'units')
  }
  const deadline = options.timeLimitSec !== undefined ? started + options.timeLimitSec * 1000 : Infinity
  let explanations: Infeasibility[] = []
  for (const k of ks) {
    explanations = explainGrid(prep, k)
    if (explanations.length > 0) continue
    const res = await designWithK(prep, k, started, deadline, options)
    if (res.status !== 'infeasible') return res
    explanations = res.explanations ?? []
  }
  return {
    status: 'infeasible',
    objective: null,
    backend: 'none',
    backendStatus: 'no contiguous balanced partition',
    ms: Date.now() - started,
    verified: false,
    town: prep.town,
    mode: 'design',
    units: [],
    balance: { target: 0, maxDeviation: 0, tolerance: prep.tol, withinTolerance: false },
    contiguous: false,
    explanations,
  }
}

async function designWithK(prep: Prepared, k: number, started: number, deadline: number, options: RunOptions): Promise<DesignGridsResult> {
  const { demand, km, g } = prep
  const n = demand.length
  const D = demand.reduce((a, b) => a + b, 0)
  const lo = ((1 - prep.tol) * D) / k
  const hi = ((1 + prep.tol) * D) / k
  const b = new ModelBuilder('min')
  const x: number[][] = []
  for (let i = 0; i < n; i++) {
    x.push([])
    for (let j = 0; j < n; j++) x[i].push(b.addBinary(`x_${i}_${j}`, demand[i] * km[i][j]))
  }
  for (let i = 0; i < n; i++) b.eq(`assign_${i}`, x[i], x[i].map(() => 1), 1)
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) if (i !== j) b.le(`host_${i}_${j}`, [x[i][j], x[j][j]], [1, -1], 0)
    const col = x.map((row) => row[j])
    b.ge(`balanceLo_${j}`, [...col, x[j][j]], [...demand, -lo], 0)
    b.le(`balanceHi_${j}`, [...col, x[j][j]], [...demand, -hi], 0)
    // A village in j's unit needs a neighbour in it (the separator of its own neighbourhood).
    for (let i = 0; i < n; i++) {
      if (i === j || g[i].includes(j)) continue
      b.le(`nb_${i}_${j}`, [x[i][j], ...g[i].map((s) => x[s][j])], [1, ...g[i].map(() => -1)], 0)
    }
  }
  b.eq('units', x.map((row, j) => row[j]), x.map(() => 1), k)
  let rounds = 0
  let bound: number | undefined
  for (;;) {
    rounds++
    const model: LinearModel = b.build()
    const left = Number.isFinite(deadline) ? Math.max(0.05, (deadline - Date.now()) / 1000) : undefined
    const sol = await solveModel(model, { backend: options.backend ?? 'highs', timeLimitSec: left, cancel: options.cancel, onProgress: options.onProgress })
    if (sol.status === 'infeasible') {
      return { ...failure(prep, 'infeasible', sol, started), explanations: [balanceExplanation(prep, k, lo, hi)] }
    }
    if (!sol.verified || !sol.values) return failure(prep, sol.status, sol, started)
    if (sol.bound !== undefined) bound = Math.max(bound ?? -Infinity, sol.bound)
    const values = sol.values
    const hostOf = Array.from({ length: n }, (_, i) => x[i].findIndex((v) => values[v] > 0.5))
    const hosts = [...new Set(hostOf)].sort((a, b2) => a - b2)
    let cuts = 0
    for (const j of hosts) {
      const members = hostOf.flatMap((h, i) => (h === j ? [i] : []))
      for (const comp of components(g, members)) {
        if (comp.includes(j)) continue
        const sep = neighbourhood(g, comp)
        const inC = new Set([...comp, ...sep])
        // The same separator cuts every host outside C ∪ N(C).
        for (let jj = 0; jj < n; jj++) {
          if (inC.has(jj)) continue
          for (const i of comp) b.le(`sep${rounds}_${i}_${jj}`, [x[i][jj], ...sep.map((s) => x[s][jj])], [1, ...sep.map(() => -1)], 0)
        }
        cuts++
      }
    }
    if (cuts === 0) {
      const units = describeUnits(prep, hosts.map((j) => ({ host: j, members: hostOf.flatMap((h, i) => (h === j ? [i] : [])) })))
      const objective = sol.objective ?? 0
      const gap = bound !== undefined ? Math.max(0, objective - bound) / Math.max(1, Math.abs(objective)) : undefined
      const { values: _values, ...meta } = sol
      return {
        ...meta,
        status: sol.status === 'optimal' || (gap !== undefined && gap <= 1e-6) ? 'optimal' : 'feasible',
        objective,
        ...(bound !== undefined ? { bound, gap } : {}),
        ms: Date.now() - started,
        town: prep.town,
        mode: 'design',
        units,
        balance: balanceOf(units, D / k, prep.tol),
        contiguous: true,
        rounds,
      }
    }
    if (Date.now() > deadline || options.cancel?.cancelled) return failure(prep, 'timeout', sol, started)
  }
}

function failure(prep: Prepared, status: SolveMeta['status'], sol: SolveMeta, started: number): DesignGridsResult {
  return {
    status,
    objective: null,
    ...(sol.bound !== undefined ? { bound: sol.bound } : {}),
    backend: sol.backend,
    backendStatus: sol.backendStatus,
    ms: Date.now() - started,
    verified: false,
    town: prep.town,
    mode: 'design',
    units: [],
    balance: { target: 0, maxDeviation: 0, tolerance: prep.tol, withinTolerance: false },
    contiguous: false,
  }
}

function describeUnits(prep: Prepared, parts: Array<{ host: number; members: number[] }>, ids?: string[]): GridUnit[] {
  const k = parts.length
  const D = prep.demand.reduce((a, b) => a + b, 0)
  return parts.map((p, u) => {
    const demand = p.members.reduce((a, i) => a + prep.demand[i], 0)
    return {
      id: ids?.[u] ?? `${prep.town.code}-G${u + 1}`,
      host: prep.codes[p.host],
      villages: p.members.map((i) => prep.codes[i]),
      demand,
      share: D > 0 ? demand / (D / k) : 1,
      contiguous: components(prep.g, p.members).length === 1 && p.members.includes(p.host),
      weightedDistance: p.members.reduce((a, i) => a + prep.demand[i] * prep.km[i][p.host], 0),
    }
  })
}

function balanceOf(units: GridUnit[], target: number, tol: number): DesignGridsResult['balance'] {
  const maxDeviation = units.reduce((a, u) => Math.max(a, Math.abs(u.share - 1)), 0)
  return { target, maxDeviation, tolerance: tol, withinTolerance: maxDeviation <= tol + 1e-9 }
}

function evaluate(input: DesignGridsInput, prep: Prepared, started: number): DesignGridsResult {
  const current = input.current
  if (!Array.isArray(current) || current.length === 0) throw new SolverInputError("mode 'evaluate' needs today's units in `current`", 'current')
  const index = new Map(prep.codes.map((c, i) => [c, i]))
  const seen = new Set<string>()
  const parts = current.map((u, ui) => {
    const members = u.villages.map((c) => {
      const i = index.get(c)
      if (i === undefined) throw new SolverInputError(`current[${ui}] names unknown village ${c}`, `current[${ui}].villages`)
      if (seen.has(c)) throw new SolverInputError(`village ${c} is in two units`, `current[${ui}].villages`)
      seen.add(c)
      return i
    })
    const host = index.get(u.hostVillage)
    if (host === undefined) throw new SolverInputError(`current[${ui}].hostVillage ${u.hostVillage} is not a village of the town`, `current[${ui}].hostVillage`)
    return { host, members }
  })
  const units = describeUnits(prep, parts, current.map((u) => u.id))
  const D = prep.demand.reduce((a, b) => a + b, 0)
  const objective = units.reduce((a, u) => a + u.weightedDistance, 0)
  const uncovered = prep.codes.filter((c) => !seen.has(c))
  const explanations: Infeasibility[] = uncovered.length
    ? [
        {
          rule: 'VILLAGE_COVERAGE',
          source: VILLAGE_COVERAGE.source,
          code: prep.town.code,
          name: prep.town.name,
          numbers: { uncoveredVillages: uncovered.length },
          message: {
            zh: `${prep.town.name}有${uncovered.length}个村(居)不属于任何网格单元：${VILLAGE_COVERAGE.text.zh}`,
            en: `${prep.town.name} has ${uncovered.length} villages in no grid unit: ${VILLAGE_COVERAGE.text.en}`,
          },
        },
      ]
    : []
  return {
    status: 'feasible',
    objective,
    backend: 'none',
    backendStatus: 'evaluated today’s units (no solver)',
    ms: Date.now() - started,
    verified: true,
    town: prep.town,
    mode: 'evaluate',
    units,
    balance: balanceOf(units, D / Math.max(1, units.length), prep.tol),
    contiguous: units.every((u) => u.contiguous),
    ...(explanations.length ? { explanations } : {}),
  }
}

/** Rules a k-unit design breaks whatever the partition (checked before solving). */
function explainGrid(prep: Prepared, k: number): Infeasibility[] {
  const n = prep.codes.length
  const t = prep.town
  const out: Infeasibility[] = []
  if (n < k) {
    out.push({
      rule: 'STATION_GRID_UNITS',
      source: STATION_GRID_UNITS.source,
      code: t.code,
      name: t.name,
      numbers: { villages: n, units: k },
      message: { zh: `${t.name}只有${n}个村(居)，无法划分${k}个网格单元`, en: `${t.name} has ${n} villages, too few for ${k} grid units` },
    })
    return out
  }
  const comps = components(prep.g).length
  if (comps > k) {
    out.push({
      rule: 'GRID_CONTIGUITY',
      source: 'DESIGN.md §2 (a grid unit is a contiguous group of villages)',
      code: t.code,
      name: t.name,
      numbers: { separateGroups: comps, units: k },
      message: {
        zh: `${t.name}的村(居)按相邻关系分成${comps}个互不相连的部分，多于${k}个网格单元，无法保证网格连片`,
        en: `the villages of ${t.name} form ${comps} groups with no shared boundary, more than ${k} grid units, so units cannot be contiguous`,
      },
    })
  }
  const D = prep.demand.reduce((a, b) => a + b, 0)
  const hi = ((1 + prep.tol) * D) / k
  prep.demand.forEach((d, i) => {
    if (d > hi) {
      out.push({
        rule: 'GRID_BALANCE',
        source: 'designGrids balanceTolerance',
        code: prep.codes[i],
        numbers: { demand: d, maxUnitDemand: hi, units: k },
        message: {
          zh: `${t.name}的村(居)${prep.codes[i]}需求量${Math.round(d)}，超过${k}个网格单元时单元需求上限${Math.round(hi)}`,
          en: `village ${prep.codes[i]} of ${t.name} has demand ${Math.round(d)}, above the ${Math.round(hi)} a unit may carry with ${k} units`,
        },
      })
    }
  })
  return out
}

function balanceExplanation(prep: Prepared, k: number, lo: number, hi: number): Infeasibility {
  const t = prep.town
  return {
    rule: 'GRID_BALANCE',
    source: 'designGrids balanceTolerance',
    code: t.code,
    name: t.name,
    numbers: { units: k, minUnitDemand: lo, maxUnitDemand: hi, tolerance: prep.tol },
    message: {
      zh: `${t.name}无法划分为${k}个连片网格单元并使各单元需求在${Math.round(lo)}至${Math.round(hi)}之间（容差${prep.tol * 100}%）`,
      en: `${t.name} cannot be split into ${k} contiguous grid units each with demand between ${Math.round(lo)} and ${Math.round(hi)} (tolerance ${prep.tol * 100} %)`,
    },
  }
}

function prepare(input: DesignGridsInput): Prepared {
  if (!input || typeof input.town?.code !== 'string') throw new SolverInputError('town.code must be a string', 'town.code')
  if (!Array.isArray(input.villages) || input.villages.length === 0) throw new SolverInputError('villages must be a non-empty array', 'villages')
  if (!Array.isArray(input.adjacency)) throw new SolverInputError('adjacency must be an array of [code, code] pairs', 'adjacency')
  const tol = input.balanceTolerance ?? 0.25
  if (!(tol >= 0 && tol < 1)) throw new SolverInputError('balanceTolerance must be in [0, 1)', 'balanceTolerance')
  const weights = resolveWeights(input.weights)
  const codes = input.villages.map((v, i) => {
    if (typeof v?.code !== 'string') throw new SolverInputError(`villages[${i}].code must be a string`, `villages[${i}].code`)
    return v.code
  })
  const index = new Map(codes.map((c, i) => [c, i]))
  if (index.size !== codes.length) throw new SolverInputError('village codes must be unique', 'villages')
  const demand = input.villages.map((v, i) => villageDemand(v, weights, `villages[${i}]`))
  const edges = input.adjacency.map((pair, e): [number, number] => {
    const a = index.get(pair?.[0])
    const b = index.get(pair?.[1])
    if (a === undefined || b === undefined) throw new SolverInputError(`adjacency[${e}] names a village not in the town`, `adjacency[${e}]`)
    return [a, b]
  })
  const km = input.villages.map((a) =>
    input.villages.map((b) => {
      if (a.code === b.code) return 0
      const d = distanceBetween(input.distancesM, { id: a.code, at: isLngLat(a.lnglat) ? a.lnglat : undefined }, { id: b.code, at: isLngLat(b.lnglat) ? b.lnglat : undefined })
      if (d === undefined) throw new SolverInputError(`no distance between villages ${a.code} and ${b.code}: give distancesM or lnglat`, 'distancesM')
      return Math.round(d) / 1000
    }),
  )
  return { codes, demand, km, g: buildGraph(codes.length, edges), tol, town: { code: input.town.code, name: input.town.name ?? input.town.code } }
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i)
}
