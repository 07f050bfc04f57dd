/** Village adjacency (shared boundary) as a graph: components and neighbourhoods. */

/** Adjacency lists of n vertices. */
export type Graph = number[][]

/** Builds adjacency lists from index pairs (ignoring self-loops and duplicates). */
export function buildGraph(n: number, edges: ReadonlyArray<readonly [number, number]>): Graph {
  const sets = Array.from({ length: n }, () => new Set<number>())
  for (const [a, b] of edges) {
    if (a === b) continue
    sets[a].add(b)
    sets[b].add(a)
  }
  return sets.map((s) => [...s].sort((x, y) => x - y))
}

/** Connected components of the subgraph induced by `members` (all vertices when omitted). */
export function components(g: Graph, members?: readonly number[]): number[][] {
  const inSet = new Uint8Array(g.length)
  const list = members ?? g.map((_, i) => i)
  for (const v of list) inSet[v] = 1
  const seen = new Uint8Array(g.length)
  const out: number[][] = []
  for (const s of list) {
    if (seen[s]) continue
    const comp: number[] = []
    const stack = [s]
    seen[s] = 1
    while (stack.length > 0) {
      const v = stack.pop() as number
      comp.push(v)
      for (const u of g[v]) {
        if (inSet[u] && !seen[u]) {
          seen[u] = 1
          stack.push(u)
        }
      }
    }
    out.push(comp.sort((a, b) => a - b))
  }
  return out
}

/** Vertices adjacent to `set` but outside it. */
export function neighbourhood(g: Graph, set: readonly number[]): number[] {
  const inSet = new Set(set)
  const out = new Set<number>()
  for (const v of set) for (const u of g[v]) if (!inSet.has(u)) out.add(u)
  return [...out].sort((a, b) => a - b)
}
