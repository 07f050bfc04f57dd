/**
 * Reader of the OR-Library capacitated p-median files (Osman & Christofides 1994), format in
 * shared/benchmarks/pmedcap/README.md: every point is a demand and a candidate, cost =
 * floor(Euclidean distance), one capacity Q for all.
 */
import type { LocateInput } from '../problems/locate.js'

/** Proven optima of pmedcap1-20 (shared/benchmarks/pmedcap/README.md). */
export const PMEDCAP_OPTIMA: Record<string, number> = {
  pmedcap1: 713, pmedcap2: 740, pmedcap3: 751, pmedcap4: 651, pmedcap5: 664,
  pmedcap6: 778, pmedcap7: 787, pmedcap8: 820, pmedcap9: 715, pmedcap10: 829,
  pmedcap11: 1006, pmedcap12: 966, pmedcap13: 1026, pmedcap14: 982, pmedcap15: 1091,
  pmedcap16: 954, pmedcap17: 1034, pmedcap18: 1043, pmedcap19: 1031, pmedcap20: 1005,
}

/** Parses one .dat file into the `locate` contract. */
export function parsePmedcap(text: string): LocateInput {
  const nums = text.trim().split(/\s+/).map(Number)
  const n = nums[2]
  const p = nums[3]
  const Q = nums[5]
  const pts: Array<{ id: string; x: number; y: number; d: number }> = []
  for (let k = 0; k < n; k++) {
    const o = 6 + 4 * k
    pts.push({ id: String(nums[o]), x: nums[o + 1], y: nums[o + 2], d: nums[o + 3] })
  }
  if (pts.length !== n || pts.some((q) => [q.x, q.y, q.d].some((v) => !Number.isFinite(v)))) {
    throw new Error('not a pmedcap file')
  }
  return {
    p,
    demands: pts.map((q) => ({ id: q.id, demand: q.d })),
    candidates: pts.map((q) => ({ id: q.id, capacity: Q })),
    cost: pts.map((a) => pts.map((b) => Math.floor(Math.hypot(a.x - b.x, a.y - b.y)))),
  }
}
