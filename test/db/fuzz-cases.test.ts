/**
 * The fuzz tier's kept cases (test/fuzz/cases/*.json: requests that once broke an
 * invariant) replayed in the normal db suite, so a regression fails `npm test` without
 * running the fuzz tier itself (npm run test:fuzz).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keptCases } from '../fuzz/cases.js'
import { closeAgent } from '../fuzz/http.js'
import { describeOutcomes, replayKeptCases } from '../fuzz/run.js'
import { openWorld, type World } from '../fuzz/world.js'

let world: World

beforeAll(async () => {
  world = await openWorld({ plan: false })
})
afterAll(async () => {
  await world?.stop()
  closeAgent()
})

describe('kept fuzz cases', () => {
  it('each keeps its invariants and none changes the network tables', async () => {
    expect(keptCases().length).toBeGreaterThan(0)
    const bad = await replayKeptCases(world)
    expect(bad, describeOutcomes(bad)).toEqual([])
  })
})
