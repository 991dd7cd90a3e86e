/**
 * The baseline a team would build instead of Pairwire: TLS 1.3 (node:https, OpenSSL) with a
 * self-signed P-256 certificate made at start-up, and a bearer token (RFC 6750 §2.1) checked
 * before anything else is done with the request:
 *
 *   GET /  Upgrade: websocket   the `ws` JSON-RPC echo of ws-echo.ts, upgraded only with the
 *                               token (401 before the upgrade otherwise, like a Pairwire ticket)
 *   POST /pairwire/v1/rpc       the JSON-RPC echo of http-echo.ts, answered only with the token
 *
 * The token comes from BENCH_BEARER_TOKEN (the bench makes a random one per server); only its
 * SHA-256 is kept and the comparison is constant-time, as a careful service stores tokens.
 * Prints one JSON line {"event":"listening","url","ca"} on stdout, `ca` being the certificate
 * (the client's trust anchor).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { createServer } from 'node:https'
import { WebSocketServer } from 'ws'
import { PATHS } from '../../protocol/registry.ts'
import { selfSignedLoopback } from './self-signed.ts'

const token = process.env.BENCH_BEARER_TOKEN
if (token === undefined || token === '') throw new Error('BENCH_BEARER_TOKEN is not set')
const tokenHash = createHash('sha256').update(token).digest()

/** RFC 6750 §2.1: `Authorization: Bearer <token>`, compared by hash in constant time. */
function authorized(req: IncomingMessage): boolean {
  const header = req.headers.authorization
  if (header === undefined || !header.startsWith('Bearer ')) return false
  const presented = createHash('sha256').update(header.slice(7)).digest()
  return timingSafeEqual(presented, tokenHash)
}

const { key, cert } = selfSignedLoopback()
const server = createServer({ key, cert, minVersion: 'TLSv1.3' }, (req, res) => {
  if (!authorized(req)) {
    res.writeHead(401, { 'www-authenticate': 'Bearer' }).end()
    req.resume()
    return
  }
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== PATHS.rpc) {
      res.writeHead(404).end()
      return
    }
    const request = JSON.parse(Buffer.concat(chunks).toString()) as { id: unknown; params: unknown }
    const body = JSON.stringify({ jsonrpc: '2.0', id: request.id, result: request.params })
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
})

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false })
server.on('upgrade', (req, socket, head) => {
  if (!authorized(req)) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n')
    return
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data) => {
      const request = JSON.parse(data.toString()) as { id: unknown; params: unknown }
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: request.params }))
    })
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number }
  const url = `https://127.0.0.1:${address.port}`
  console.log(JSON.stringify({ event: 'listening', url, ca: cert }))
})
// Exit normally on SIGTERM (processes.ts stops servers so) so that --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0))
