/** Requests Node refuses before Express sees them, answered as problem JSON like every other error. */
import { STATUS_CODES, type Server } from 'node:http'

/**
 * Answers Node's own refusals as problem JSON: headers beyond its 16 KB limit (a huge cookie)
 * with 431, a malformed request line or header with 400 (Node's default is a bare status line).
 */
export function problemOnClientError(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy()
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
    const title = STATUS_CODES[status]
    const detail = status === 431 ? 'request headers too large (16 KB at most)' : 'malformed HTTP request'
    const body = JSON.stringify({ type: 'about:blank', title, status, detail, field: 'headers' })
    // The answer to a HEAD has no body (the refused bytes begin with the request line).
    const head = (err as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD '
    socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`)
  })
}
