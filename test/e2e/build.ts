/**
 * The browser tests run against the built UI (web/dist, served by the Express app).
 * Builds it when it is missing or older than any source of the web UI.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const SOURCES = ['web/src', 'web/public', 'web/index.html', 'vite.config.ts', 'geodata/codes.ts', 'solver/policy.ts', 'solver/visits/month.ts', 'server/contract/defaults.ts', 'server/services/coverage.ts']

function newest(p: string): number {
  if (!fs.existsSync(p)) return 0
  const st = fs.statSync(p)
  if (!st.isDirectory()) return st.mtimeMs
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))))
}

export function ensureWebBuilt(): void {
  const dist = 'web/dist/index.html'
  const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0
  if (built && built >= Math.max(...SOURCES.map(newest))) return
  console.log('[e2e] building the web UI (web/dist is missing or older than web/src)')
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
}
