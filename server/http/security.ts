/**
 * Security headers (helmet): a Content-Security-Policy that the app itself satisfies (its
 * inline start-up script allowed by hash, MapLibre's workers from the bundle, inline styles of the
 * components), no framing, no MIME sniffing, no referrer; and `Cache-Control: no-store` on
 * every API answer unless a route says otherwise (answers carry people's data).
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { RequestHandler } from 'express'
import helmet from 'helmet'

/** The CSP hashes ('sha256-…') of the inline scripts of an HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = []
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`)
  }
  return hashes
}

/** helmet configured for this app; `extraOrigins` (e.g. a basemap's tile server) may serve images and data. */
export function securityHeaders(opts: { indexHtml: string | null; extraOrigins: string[] }): RequestHandler {
  const scripts = opts.indexHtml && fs.existsSync(opts.indexHtml) ? inlineScriptHashes(fs.readFileSync(opts.indexHtml, 'utf8')) : []
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...scripts],
        // Svelte and MapLibre set element styles; no style sheet comes from elsewhere.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...opts.extraOrigins],
        connectSrc: ["'self'", ...opts.extraOrigins],
        fontSrc: ["'self'", 'data:'],
        // MapLibre 6 starts its workers from a file of the bundle (assets/maplibre-gl-worker-*.js), not a blob.
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  })
}

/** `Cache-Control: no-store` by default on the API (a route may set its own, e.g. coverage's ETag). */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store')
  next()
}
