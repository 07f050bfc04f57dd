import { defineConfig } from 'vitest/config'

// The fuzz tier (npm run test:fuzz; README "Tests"): not part of `npm test`, which stays fast.
// Its kept cases are replayed by the db suite too (test/db/fuzz-cases.test.ts).
export default defineConfig({
  test: {
    globalSetup: ['test/db/global-setup.ts'],
    include: ['test/fuzz/**/*.test.ts'],
    setupFiles: ['test/db/setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 900_000,
    hookTimeout: 300_000,
  },
})
