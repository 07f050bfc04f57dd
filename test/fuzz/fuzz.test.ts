/**
 * The fuzz tier (npm run test:fuzz): requests generated from the OpenAPI document the app
 * serves, for every operation and every role, with malformed values, wrong types,
 * oversize and nested bodies, odd headers, cookies and paths. Every answer must keep the
 * invariants of cases.ts `violations` (no 5xx, problem JSON naming the field, the
 * document's schemas); the network tables must not change, since every state-changing
 * request generated is invalid. FUZZ_RUNS, FUZZ_SECONDS and FUZZ_SEED set the budget and
 * the seed (printed first, so a failure replays).
 */
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FuzzCase } from './cases.js'
import { allRequests, operationsOf } from './generate.js'
import { changedTables, fuzzHashes } from './hashes.js'
import { closeAgent, send } from './http.js'
import { describeOutcomes, renewSessions, replayAll, replayKeptCases, type Outcome } from './run.js'
import { openWorld, type World } from './world.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000)
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 170)
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const FAILURES = path.resolve('test-artifacts/fuzz-failures.json')
const BATCH = 500
// Sign-in failures wait on purpose (auth.service FAILURE_DELAY_MS): enough requests in flight to fill that time.
const CONCURRENCY = 12

let world: World

beforeAll(async () => {
  console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} FUZZ_SECONDS=${SECONDS}`)
  fs.rmSync(FAILURES, { force: true })
  world = await openWorld()
})
afterAll(async () => {
  await world?.stop()
  closeAgent()
})

describe('fuzz tier', () => {
  it('replays the kept cases (test/fuzz/cases)', async () => {
    const bad = await replayKeptCases(world)
    expect(bad, describeOutcomes(bad)).toEqual([])
  })

  it(`generated requests for every operation and role keep the invariants`, async () => {
    const docReply = await send(world.url, { method: 'GET', path: '/api/openapi.json', headers: [] })
    const ops = operationsOf(JSON.parse(docReply.body.toString()))
    expect(ops.length).toBeGreaterThan(20)
    const requests = allRequests(ops, world.pools)
    const started = Date.now()
    const bad: Outcome[] = []
    const statuses = new Map<number, number>()
    const time = new Map<string, [number, number]>()
    let before = await fuzzHashes(world.db.knex)
    let sent = 0
    for (let batch = 0; sent < RUNS && Date.now() - started < SECONDS * 1000; batch++) {
      const cases: FuzzCase[] = fc.sample(requests, { seed: SEED + batch, numRuns: Math.min(BATCH, RUNS - sent) })
      const outcomes = await replayAll(world, cases, CONCURRENCY)
      sent += cases.length
      for (const o of outcomes) {
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1)
        const key = o.case.op ?? `stray ${o.case.method}`
        const t = time.get(key) ?? [0, 0]
        time.set(key, [t[0] + 1, t[1] + o.ms])
        if (o.problems.length) bad.push(o)
      }
      const after = await fuzzHashes(world.db.knex)
      const changed = changedTables(before, after)
      if (changed.length) {
        const accepted = outcomes.filter((o) => o.case.method !== 'GET' && o.status >= 200 && o.status < 300)
        bad.push({ case: accepted[0]?.case ?? cases[0], status: accepted[0]?.status ?? 0, problems: [`batch ${batch} (seed ${SEED + batch}) changed ${changed.join(', ')}; state-changing 2xx: ${accepted.length}`], ms: 0 })
        before = after
      }
      await renewSessions(world)
    }
    const seconds = (Date.now() - started) / 1000
    const byStatus = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')
    console.log(`fuzz: ${sent} requests in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s); statuses ${byStatus}; ${bad.length} broke an invariant`)
    // Every operation of the document was exercised (when the run is long enough to expect it).
    if (sent >= 50 * ops.length) expect(ops.map((op) => `${op.method} ${op.template}`).filter((k) => !time.has(k))).toEqual([])
    if (process.env.FUZZ_TIMES) {
      for (const [k, [n, ms]] of [...time.entries()].sort((a, b) => b[1][1] - a[1][1]).slice(0, 25)) console.log(`${(ms / 1000).toFixed(1)} s ${n} × ${k}`)
    }
    if (bad.length) {
      fs.mkdirSync(path.dirname(FAILURES), { recursive: true })
      fs.writeFileSync(FAILURES, JSON.stringify(bad.map((o) => ({ ...o.case, note: o.problems.join(' | ') })), null, 2))
      console.log(`fuzz: failing cases written to ${FAILURES}; replay with FUZZ_SEED=${SEED}`)
    }
    expect(bad, describeOutcomes(bad)).toEqual([])
  })
})
