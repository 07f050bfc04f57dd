// vitest setupFiles of the db and e2e projects: runs before each test file, so that the
// file's own database (see harness.ts) is dropped after it.
import { afterAll } from 'vitest'
import { releaseTestDb } from './harness.js'

afterAll(releaseTestDb)
