/** Sending an answer of the versioned cache: ETag by data version, revalidation, Server-Timing. */
import type { Request, Response } from 'express'
import type { CachedJson } from '../services/versioned.cache.js'

// Part of every ETag: a new server process (perhaps a new version computing answers
// differently) never confirms a browser's copy made by an earlier one.
const instance = Date.now().toString(36)

/**
 * Sends cached JSON text with an ETag naming the server instance, the data version and the
 * request, so a browser revalidates (`Cache-Control: private, no-cache`) and gets 304 when
 * nothing changed; `Server-Timing` says whether the answer was computed or cached. A client
 * that accepts gzip gets the stored gzipped bytes (its own ETag: another representation).
 */
export function sendCached(req: Request, res: Response, name: string, request: string, answer: CachedJson, type: string): void {
  const gzipped = req.acceptsEncodings('gzip') === 'gzip'
  res.set({
    'Cache-Control': 'private, no-cache',
    Vary: 'Accept-Encoding',
    ETag: `"${name}-${instance}-${answer.version}-${request}${gzipped ? '-gz' : ''}"`,
    'Server-Timing': `${name};desc="${answer.cached ? 'cached' : 'computed'}";dur=${answer.ms.toFixed(1)}`,
  })
  if (gzipped) res.set('Content-Encoding', 'gzip')
  res.type(type).send(gzipped ? answer.gzip : answer.body)
}
