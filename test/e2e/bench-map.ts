/**
 * Map benchmark (called by `npm run bench`; also runnable alone: `npx tsx test/e2e/bench-map.ts`).
 *
 * Seeds the synthetic Shaoguan demo (1,468 villages) into a fresh database (in-memory PGlite,
 * or the PostgreSQL of DATABASE_URL, whose name must contain "bench" or "test": its tables
 * are dropped), serves the built UI, signs in in headless Chromium, then:
 *  - first paint: navigation to the city view (/?d=4402) → the map is idle with the villages
 *    drawn (the app's performance mark `shuangbai:villages-painted`, relative to the start of
 *    the navigation), by a signed-in user from a blank page, each a new page load; the median
 *    of 5 navigations of each kind:
 *      firstPaintColdMs: the data changed just before (the data version is bumped), so the
 *      server computes the coverage report anew and the browser downloads it;
 *      firstPaintMs: nothing changed since the last visit, so the browser revalidates its
 *      copy of the report (304) — the common case of a bureau opening its map;
 *  - hoverFrameMs: the mean time between animation frames while the pointer sweeps across the
 *    whole city (hover highlight by feature-state and the hover card on every village crossed).
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { pathToFileURL } from 'node:url'
import { createApp } from '../../server/app.js'
import { openDatabase } from '../../server/db/connection.js'
import { migrateDownAll, migrateLatest } from '../../server/db/migrate.js'
import { seedDemo } from '../../server/services/seed.service.js'
import { invalidate } from '../../server/repositories/meta.repository.js'
import { hashPassword } from '../../server/auth/password.js'
import { findUserByName, insertUser } from '../../server/repositories/users.repository.js'
import { chromiumPath, launchBrowser } from './browser.js'
import { ensureWebBuilt } from './build.js'

const CITY = '4402'
const USER = 'bench-bureau'
const PASSWORD = 'bench map password'

export interface MapBench {
  firstPaintMs: number
  firstPaintColdMs: number
  hoverFrameMs: number
  villages: number
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

export async function benchMap(opts: { runs?: number; log?: (msg: string) => void } = {}): Promise<MapBench> {
  const log = opts.log ?? (() => {})
  if (!chromiumPath()) throw new Error('Chromium not found (install Debian package chromium or set CHROMIUM_PATH)')
  ensureWebBuilt()
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL ?? null, dataDir: null })
  let server: Server | null = null
  let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null
  try {
    if (db.kind === 'postgres') {
      const name = (await db.knex.raw('select current_database() as n')).rows[0].n as string
      if (!/bench|test/.test(name)) throw new Error(`DATABASE_URL database "${name}" must contain "bench" or "test" (its tables are dropped)`)
      await migrateDownAll(db.knex)
    }
    await migrateLatest(db.knex)
    log('seeding the Shaoguan demo')
    await seedDemo(db.knex, { city: CITY })
    if (!(await findUserByName(db.knex, USER))) await insertUser(db.knex, { username: USER, passwordHash: await hashPassword(PASSWORD), role: 'bureau', scope: CITY })
    const app = createApp(db, { serveWeb: true })
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    browser = await launchBrowser()
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('pageerror', (e) => errors.push(e.message))

    // Sign in (this also warms the browser's cache of the app's files, as for a returning user).
    await page.goto(url)
    await page.locator('input[name=username]').fill(USER)
    await page.locator('input[name=password]').fill(PASSWORD)
    await page.locator('button[type=submit]').click()
    await page.locator('.map[data-ready="true"]').waitFor({ timeout: 120_000 })

    const paints = { cold: [] as number[], warm: [] as number[] }
    for (let i = 0; i < (opts.runs ?? 5); i++) {
      for (const kind of ['cold', 'warm'] as const) {
        // Each run starts from a blank page once the server has answered everything the previous
        // page asked for: the measure is this page load, not the previous one's tail.
        await page.waitForLoadState('networkidle')
        await page.goto('about:blank')
        if (kind === 'cold') await invalidate(db.knex)
        await page.goto(`${url}/?d=${CITY}`)
        await page.locator('.map[data-ready="true"]').waitFor({ timeout: 120_000 })
        const [ms, got, parsed, set, loaded, mapped] = await page.evaluate(() => {
          const coverage = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/coverage')) as PerformanceResourceTiming | undefined
          // (No named helper functions in here: tsx would wrap them in a helper the page lacks.)
          const marks = ['villages-painted', 'coverage-received', 'villages-set', 'map-loaded', 'villages-mapped'].map((n) => performance.getEntriesByName(`shuangbai:${n}`)[0]?.startTime ?? NaN)
          return [marks[0], coverage?.responseEnd ?? NaN, marks[1], marks[2], marks[3], marks[4]]
        })
        log(
          `first paint ${kind} ${i + 1}: ${ms.toFixed(0)} ms (coverage received at ${got.toFixed(0)} ms, parsed at ${parsed.toFixed(0)} ms, map loaded at ${loaded.toFixed(0)} ms, mapped at ${mapped.toFixed(0)} ms, ` +
            `in the map's worker at ${set.toFixed(0)} ms, drawn ${(ms - set).toFixed(0)} ms later)`,
        )
        paints[kind].push(ms)
      }
    }

    // Hover: let the rest of the view load, then sweep the pointer over the whole city.
    await page.locator(`.map[data-drawn="${CITY}"]`).waitFor()
    await page.waitForFunction(() => (window as unknown as { shuangbaiMap?: { loaded: () => boolean } }).shuangbaiMap?.loaded(), null, { timeout: 60_000 })
    await page.waitForTimeout(1500)
    const box = (await page.locator('.map canvas.maplibregl-canvas').boundingBox())!
    // (A string, not a function: tsx would wrap named inner functions in a helper the page lacks.)
    await page.evaluate(`(() => {
      window.__frames = []
      window.__sweeping = true
      let last = 0
      window.__hovered = new Set()
      const tick = (t) => {
        if (last) window.__frames.push(t - last)
        const card = document.querySelector('[data-hover]')
        if (card) window.__hovered.add(card.dataset.hover)
        last = t
        if (window.__sweeping) requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
    })()`)
    // Six passes across the map, a pointer event every 16 ms (a 60 Hz mouse).
    const rows = 6
    const steps = 60
    for (let r = 0; r < rows; r++) {
      const y = box.y + box.height * (0.15 + (0.7 * r) / (rows - 1))
      for (let s = 0; s <= steps; s++) {
        const f = r % 2 ? 1 - s / steps : s / steps
        await page.mouse.move(box.x + box.width * (0.08 + 0.84 * f), y)
        await page.waitForTimeout(16)
      }
    }
    const { frames, hovered } = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __sweeping: boolean; __hovered: Set<string> }
      w.__sweeping = false
      return { frames: w.__frames, hovered: [...w.__hovered] }
    })
    const hoverFrameMs = frames.reduce((a, b) => a + b, 0) / Math.max(1, frames.length)
    log(`hover: ${frames.length} frames, ${hovered.length} villages or symbols hovered, mean ${hoverFrameMs.toFixed(1)} ms, worst ${Math.max(...frames).toFixed(0)} ms`)
    if (hovered.length < 20) throw new Error(`the sweep hovered only ${hovered.length} features`)

    const res = await page.request.get(`${url}/api/coverage?within=${CITY}&geometry=false`)
    const villages = ((await res.json()) as { villages: { features: unknown[] } }).villages.features.length
    if (errors.length) throw new Error(`console errors in the page: ${errors.join('; ')}`)
    return { firstPaintMs: Math.round(median(paints.warm)), firstPaintColdMs: Math.round(median(paints.cold)), hoverFrameMs: Math.round(hoverFrameMs * 10) / 10, villages }
  } finally {
    await browser?.close()
    if (server) await new Promise((r) => server!.close(r))
    await db.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchMap({ log: (m) => console.log(`[bench-map] ${m}`) })
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e) => {
      console.error(e)
      process.exitCode = 1
    })
}
