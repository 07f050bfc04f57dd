/**
 * A raw HTTP/1.1 client for the fuzz tier: node:http with the path sent byte for byte (no
 * WHATWG URL normalisation, so `%2e%2e` and encoded slashes reach the server as written)
 * and headers as a list, so a header may repeat.
 */
import http from 'node:http'
import zlib from 'node:zlib'

export interface RawRequest {
  method: string
  path: string
  /** [name, value] pairs in order; a name may repeat. */
  headers: [string, string][]
  body?: Buffer
}

export interface RawReply {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })

/**
 * Sends one request to `base` (http://127.0.0.1:port); rejects on a socket error. A kept-alive
 * socket the server closed as idle just as it was reused is retried once on a new one (the
 * race Node's documentation describes for `request.reusedSocket`).
 */
export async function send(base: string, req: RawRequest, timeoutMs = 60_000): Promise<RawReply> {
  try {
    return await sendOnce(base, req, timeoutMs)
  } catch (err) {
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') return sendOnce(base, req, timeoutMs)
    throw err
  }
}

function sendOnce(base: string, req: RawRequest, timeoutMs: number): Promise<RawReply> {
  const { hostname, port, host } = new URL(base)
  const headers: string[] = []
  if (!req.headers.some(([k]) => k.toLowerCase() === 'host')) headers.push('Host', host)
  for (const [k, v] of req.headers) headers.push(k, v)
  if (req.body && !req.headers.some(([k]) => k.toLowerCase() === 'content-length')) headers.push('Content-Length', String(req.body.length))
  return new Promise((resolve, reject) => {
    const r = http.request({ agent, hostname, port, method: req.method, path: req.path, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: decoded(res.headers['content-encoding'], Buffer.concat(chunks)) })
        } catch (err) {
          reject(err)
        }
      })
      res.on('error', reject)
    })
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    r.on('error', (err) => reject(Object.assign(err, { reusedSocket: r.reusedSocket })))
    r.end(req.body)
  })
}

/** The body without its Content-Encoding (the fuzz asks for gzip, br … at times). */
function decoded(encoding: string | undefined, body: Buffer): Buffer {
  if (!encoding || encoding === 'identity' || body.length === 0) return body
  if (encoding === 'gzip') return zlib.gunzipSync(body)
  if (encoding === 'deflate') return zlib.inflateSync(body)
  if (encoding === 'br') return zlib.brotliDecompressSync(body)
  throw new Error(`unknown Content-Encoding ${encoding}`)
}

/** Closes the kept-alive sockets. */
export function closeAgent(): void {
  agent.destroy()
}
