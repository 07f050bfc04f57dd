/** Sending fuzz cases to the world and checking each answer's invariants. */
import { keptCases, toRawRequest, violations, type FuzzCase } from './cases.js'
import { changedTables, fuzzHashes } from './hashes.js'
import { send } from './http.js'
import type { World } from './world.js'

export interface Outcome {
  case: FuzzCase
  status: number
  problems: string[]
  ms: number
}

/** Sends one case and checks its answer; a socket error is a problem too. */
export async function replay(world: World, c: FuzzCase): Promise<Outcome> {
  const req = toRawRequest(c, world.sessions)
  const t0 = performance.now()
  try {
    const reply = await send(world.url, req)
    return { case: c, status: reply.status, problems: violations(c, req, reply), ms: performance.now() - t0 }
  } catch (err) {
    return { case: c, status: 0, problems: [`no answer: ${(err as Error).message}`], ms: performance.now() - t0 }
  }
}

/** Sends cases `concurrency` at a time; answers their outcomes in order. */
export async function replayAll(world: World, cases: FuzzCase[], concurrency: number): Promise<Outcome[]> {
  const out: Outcome[] = new Array(cases.length)
  let next = 0
  const worker = async () => {
    while (next < cases.length) {
      const i = next++
      out[i] = await replay(world, cases[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker))
  return out
}

/** Signs in again every role whose session a fuzz request ended (a logout that went through). */
export async function renewSessions(world: World): Promise<void> {
  for (const [role, s] of Object.entries(world.sessions)) {
    const me = await send(world.url, { method: 'GET', path: '/api/me', headers: [['Cookie', s.cookie]] })
    if (!JSON.parse(me.body.toString()).user) await world.renew(role as keyof World['sessions'])
  }
}

/**
 * Replays test/fuzz/cases/*.json (one at a time) and answers the outcomes that broke an
 * invariant, plus one for any hashed table the replay changed.
 */
export async function replayKeptCases(world: World): Promise<Outcome[]> {
  const before = await fuzzHashes(world.db.knex)
  const bad: Outcome[] = []
  for (const { file, case: c } of keptCases()) {
    const o = await replay(world, c)
    if (o.problems.length) bad.push({ ...o, problems: [`${file}: ${c.name ?? ''}`, ...o.problems] })
  }
  const after = await fuzzHashes(world.db.knex)
  const changed = changedTables(before, after)
  if (changed.length) bad.push({ case: { method: '-', path: '-', expect: '4xx' }, status: 0, problems: [`the kept cases changed ${changed.join(', ')}`], ms: 0 })
  await renewSessions(world)
  return bad
}

/** A readable list of outcomes for a failed expectation. */
export const describeOutcomes = (bad: Outcome[]) =>
  bad
    .slice(0, 20)
    .map((o) => `${o.status} ${o.problems.join(' | ')}\n  ${JSON.stringify(o.case).slice(0, 600)}`)
    .join('\n')
