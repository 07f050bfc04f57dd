/**
 * Synthetic residents and special-group counts of a village (the rates are documented
 * in geodata/README.md; keep the two in step).
 *
 * Population: rural villages (村) 800-4,000, urban communities (社区/居委会) 3,000-12,000,
 * right-skewed: pop = lo + (hi - lo) · u^k with u the mean of two uniforms (a triangle
 * on [0, 1]), k = 1.3 rural (median ≈ 2,100) and 1.5 urban (median ≈ 6,200).
 *
 * Special groups, as shares of the population drawn uniformly per village from the
 * ranges below (rural / urban), then rounded stochastically to whole people. Ranges are
 * plausible orders of magnitude for Guangdong, not statistics of any real place:
 *   dibao 低保对象                     2.5-4.5 % / 1.0-2.5 %
 *   tekun 特困人员                     0.3-0.6 % / 0.1-0.3 %
 *   disabled 残疾人 (registered 持证)  2.0-3.0 % / 2.0-3.0 %
 *   children_in_difficulty 困境儿童    0.1-0.3 % / 0.1-0.3 %
 *   left_behind_children 留守儿童      0.5-2.0 % / 0.05-0.3 %
 *   elderly_in_difficulty 特殊困难老年人 0.8-1.5 % / 0.5-1.0 %
 *   left_behind_women 留守妇女         0.3-1.0 % / 0-0.1 %
 */
import { SPECIAL_GROUPS, type SpecialGroup, type SpecialGroupCounts } from '../solver/policy.js'
import type { Rng } from './random.js'

/** Share ranges [lo, hi] of the population per group: [rural, urban]. */
export const GROUP_RATES: Record<SpecialGroup, { rural: [number, number]; urban: [number, number] }> = {
  dibao: { rural: [0.025, 0.045], urban: [0.01, 0.025] },
  tekun: { rural: [0.003, 0.006], urban: [0.001, 0.003] },
  disabled: { rural: [0.02, 0.03], urban: [0.02, 0.03] },
  children_in_difficulty: { rural: [0.001, 0.003], urban: [0.001, 0.003] },
  left_behind_children: { rural: [0.005, 0.02], urban: [0.0005, 0.003] },
  elderly_in_difficulty: { rural: [0.008, 0.015], urban: [0.005, 0.01] },
  left_behind_women: { rural: [0.003, 0.01], urban: [0, 0.001] },
}

/** Population ranges: rural villages and urban communities. */
export const POPULATION_RANGE = { rural: [800, 4000], urban: [3000, 12000] } as const

/** Residents of a village (see the module comment for the distribution). */
export function villagePopulation(rng: Rng, urban: boolean): number {
  const [lo, hi] = urban ? POPULATION_RANGE.urban : POPULATION_RANGE.rural
  const u = (rng.next() + rng.next()) / 2
  return Math.round(lo + (hi - lo) * u ** (urban ? 1.5 : 1.3))
}

/** Special-group counts of a village of `population` residents. */
export function specialGroups(rng: Rng, population: number, urban: boolean): SpecialGroupCounts {
  const out = {} as SpecialGroupCounts
  for (const g of SPECIAL_GROUPS) {
    const [lo, hi] = urban ? GROUP_RATES[g].urban : GROUP_RATES[g].rural
    out[g] = rng.roundStochastic(population * rng.uniform(lo, hi))
  }
  return out
}
