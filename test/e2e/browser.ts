/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core (no browser download). `chromiumPath()` is null when it is missing;
 * the e2e tests then skip with a message, except under CI, where they fail.
 */
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'

// A CHROMIUM_PATH that is set is the only candidate: a wrong one must not fall back silently.
const CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']

/** Under CI (CI set and not "false" or "0") the browser tests must run, so a missing browser fails them. */
export const browserRequired = !!process.env.CI && !['false', '0'].includes(process.env.CI)

export function chromiumPath(): string | null {
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath()
  if (!executablePath) throw new Error('Chromium not found')
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

/** Screenshots go to test-artifacts/ (git-ignored) for a person to look at. */
export function artifactPath(name: string): string {
  const dir = path.resolve('test-artifacts')
  fs.mkdirSync(dir, { recursive: true })
  return path.join(dir, name)
}
