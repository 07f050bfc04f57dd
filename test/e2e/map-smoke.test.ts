import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { ensureUser, loadDataset, startApp, testDb, TEST_PASSWORD } from '../db/harness.js'
import { artifactPath, chromiumPath, launchBrowser } from './browser.js'

const chromium = chromiumPath()
if (!chromium) console.warn('[e2e] SKIPPED: Chromium not found (install Debian package chromium or set CHROMIUM_PATH)')

describe.skipIf(!chromium)('web UI in Chromium', () => {
  let browser: Browser
  let app: { url: string; stop: () => Promise<void> }

  beforeAll(async () => {
    if (!fs.existsSync('web/dist/index.html')) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
    const db = await testDb()
    await loadDataset(db, compliantDataset())
    await ensureUser(db, 'e2e-bureau', 'bureau', '9901')
    app = await startApp(db, { serveWeb: true })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('signs in and draws the county polygons of the city without console errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } })
    const errors: string[] = []
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(app.url)
    await page.getByLabel(/Username/).fill('e2e-bureau')
    await page.getByLabel(/Password/).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: /Sign in/ }).click()
    await page.getByText('样例市').waitFor()
    await page.locator('.map[data-ready="true"]').waitFor()
    const png = await page.screenshot({ path: artifactPath('map-smoke.png') })
    // Count teal fill pixels of the screenshot: the polygons are drawn, not just a DOM node.
    const tealPixels = await page.evaluate(async (b64) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob()
      const img = await createImageBitmap(blob)
      const off = new OffscreenCanvas(img.width, img.height)
      const ctx = off.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const data = ctx.getImageData(0, 0, img.width, img.height).data
      let n = 0
      for (let i = 0; i < data.length; i += 4) if (data[i + 1] > data[i] + 20 && data[i + 2] > data[i] + 20) n++
      return n
    }, png.toString('base64'))
    expect(tealPixels).toBeGreaterThan(1000)
    expect(errors).toEqual([])
  })
})
