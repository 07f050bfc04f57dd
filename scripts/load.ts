/**
 * Load on the main reads (part of npm run bench): the server runs as its own process on
 * the PostgreSQL of `databaseUrl` (already migrated and seeded), and autocannon sends
 * requests over loopback with 50 and 200 connections for a few seconds per read. Prints
 * requests/s, p50 and p99 latency and any answer that was not 2xx.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import autocannon from 'autocannon'

export interface LoadRow {
  path: string
  what: string
  connections: number
  requestsPerSec: number
  p50: number
  p99: number
  non2xx: number
  errors: number
}

const READS: [string, string][] = [
  ['/api/coverage?within=4402&geometry=false', 'coverage, city, cached'],
  ['/api/coverage?within=4402', 'coverage, city with polygons, cached'],
  ['/api/divisions/4402', 'division with summary'],
  ['/api/divisions/4402/children', 'division children (10 counties)'],
  ['/api/villages?within=440282', 'villages of a county (237)'],
]

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

async function startServer(databaseUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), SEED_DEMO: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`)
    const up = await fetch(`${base}/api/health`).then((r) => r.ok, () => false)
    if (up) return child
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill()
  throw new Error('the server did not start within 60 s')
}

/** Runs the load table against a server process on `databaseUrl`; `login` gives a session cookie. */
export async function loadTest(
  databaseUrl: string,
  login: (base: string) => Promise<string>,
  opts: { seconds?: number; connections?: number[] } = {},
): Promise<LoadRow[]> {
  const port = await freePort()
  const server = await startServer(databaseUrl, port)
  const base = `http://127.0.0.1:${port}`
  const rows: LoadRow[] = []
  try {
    const cookie = await login(base)
    for (const [path, what] of READS) {
      // Warm: the first answer of a versioned read is computed, the rest come from the cache.
      const warm = await fetch(base + path, { headers: { cookie } })
      if (!warm.ok) throw new Error(`${path} → ${warm.status}`)
      await warm.arrayBuffer()
      for (const connections of opts.connections ?? [50, 200]) {
        const result = await autocannon({
          url: base + path,
          connections,
          duration: opts.seconds ?? 8,
          // As a browser does: the cached reads answer their stored gzipped bytes.
          headers: { cookie, 'accept-encoding': 'gzip, deflate, br' },
        })
        rows.push({
          path,
          what,
          connections,
          requestsPerSec: Math.round(result.requests.average),
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        })
      }
    }
  } finally {
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
  }
  return rows
}
