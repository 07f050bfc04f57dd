import { defineConfig } from 'vitest/config'

// Three tiers (see README "Tests"): unit (no database), db (embedded PGlite or the
// PostgreSQL named by DATABASE_URL), e2e (real headless Chromium).
export default defineConfig({
  test: {
    // On PostgreSQL: migrate the test database once; each db test file works on a copy.
    globalSetup: ['test/db/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'db',
          include: ['test/db/**/*.test.ts'],
          // Each file has its own database (test/db/harness.ts). Files run one after another
          // in one process, so the embedded PGlite (single connection, ~10 s to boot) starts
          // once and holds a schema per file.
          setupFiles: ['test/db/setup.ts'],
          fileParallelism: false,
          isolate: false,
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/db/setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})
