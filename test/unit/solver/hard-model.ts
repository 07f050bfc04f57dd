import { ModelBuilder, type LinearModel } from '../../../solver/index.js'

/**
 * A 60-item, 30-constraint 0-1 knapsack that HiGHS does not close in 60 s on this project's
 * machines, with x = 0 as a feasible MIP start: a solve stopped early (time limit, abort)
 * always has an incumbent to return.
 */
export function hardKnapsack(): { model: LinearModel; start: number[] } {
  const b = new ModelBuilder('max')
  const xs = Array.from({ length: 60 }, (_, j) => b.addVar(`x${j}`, { ub: 1, integer: true, cost: 1000 + ((j * 7919) % 997) }))
  for (let r = 0; r < 30; r++) b.le(`r${r}`, xs, xs.map((_, j) => 100 + ((j * 31 + r * 17) % 89)), 2000 + r)
  return { model: b.build(), start: xs.map(() => 0) }
}
