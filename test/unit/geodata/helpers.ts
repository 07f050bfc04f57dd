/** Shared lookups over a generated dataset for the geodata tests. */
import type { Dataset, DivisionRecord } from '../../../geodata/types.js'

export interface Lookups {
  byCode: Map<string, DivisionRecord>
  childrenOf: Map<string, DivisionRecord[]>
  level: (l: DivisionRecord['level']) => DivisionRecord[]
}

/** Indexes divisions by code and by parent. */
export function lookups(data: Dataset): Lookups {
  const byCode = new Map(data.divisions.map((d) => [d.code, d]))
  const childrenOf = new Map<string, DivisionRecord[]>()
  for (const d of data.divisions) {
    if (!d.parentCode) continue
    const list = childrenOf.get(d.parentCode)
    if (list) list.push(d)
    else childrenOf.set(d.parentCode, [d])
  }
  return { byCode, childrenOf, level: (l) => data.divisions.filter((d) => d.level === l) }
}
