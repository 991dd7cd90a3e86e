/**
 * A zaparoo-v1 emulation device for the harness's own tests (spec/profiles/zaparoo-v1.md; facts
 * in the shared profiles/zaparoo-v1.md): the pairing routes, the encrypted WebSocket on /api,
 * /api/v0 and /api/v0.1, local JSON-RPC `version` and `clients.pair.start`, and the 1 request/s
 * pairing limit for remote peers. Built on protocol/profiles/zaparoo-v1, not on Zaparoo's code.
 *
 * Test-only additions that Zaparoo does not have: `simulateRemote` treats every peer as remote
 * (so -32002 and the rate limit can be tested on loopback), and `POST /emulator/pin` opens a PIN
 * for a `--pin-command` (its `ttl` field, in seconds, shortens the PIN's TTL).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { LABELS } from '../../protocol/registry.ts'
import { PairingState, type Answer } from './pairing.ts'
import type { Fault, Fix } from './switches.ts'
import { SocketHub } from './websocket.ts'

export interface EmulatorOptions {
  readonly port?: number
  readonly faults?: readonly Fault[]
  readonly fixes?: readonly Fix[]
  readonly simulateRemote?: boolean
  readonly pinTtlMs?: number
}

export interface Emulator {
  readonly url: string
  readonly server: Server
  close(): Promise<void>
}

const PIN_TTL_MS = 300_000
const WS_PATHS = new Set(['/api', '/api/v0', '/api/v0.1'])
const BODY_LIMITS: Record<string, number> = { '/api/pair/start': 16 * 1024, '/api/pair/finish': 4 * 1024 }
/** Facts §1.8: the pairing bucket, rate 1/s, burst 1, per IP. */
const PAIR_INTERVAL_MS = 1000

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1'
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= limit) chunks.push(c)
    })
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(undefined))
  })
}

function sendJson(res: ServerResponse, a: Answer): void {
  res.writeHead(a.status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(a.body) + '\n')
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const faults = new Set(options.faults ?? [])
  const fixes = new Set(options.fixes ?? [])
  const pinTtlMs = options.pinTtlMs ?? PIN_TTL_MS
  const local = (req: IncomingMessage): boolean =>
    options.simulateRemote !== true && isLoopback(req.socket.remoteAddress)
  let hub: SocketHub | undefined
  const pairing = new PairingState(faults, fixes, (c) =>
    hub?.broadcast({ jsonrpc: '2.0', method: 'clients.paired', params: { clientId: c.clientId, clientName: c.name } }),
  )
  hub = new SocketHub({
    faults,
    fixes,
    clientByToken: (t) => pairing.clients.find((c) => c.authToken === t),
    dispatch: (request, isLocal) => rpc(request, isLocal),
  })
  function rpc(request: unknown, isLocal: boolean): object | undefined {
    const r = request as { id?: unknown; method?: unknown } | undefined
    if (r === undefined || typeof r !== 'object' || r === null) return undefined
    const id = r.id ?? null
    if (r.method === 'version') return { jsonrpc: '2.0', id, result: { version: 'emulated', platform: 'zaparoo-v1-emulator' } }
    if (r.method === 'clients.pair.cancel' && isLocal) {
      pairing.cancel()
      return { jsonrpc: '2.0', id, result: null }
    }
    if (r.method === 'clients.pair.start' && isLocal) {
      const pin = pairing.startPin(pinTtlMs)
      if (pin !== undefined) return { jsonrpc: '2.0', id, result: pin }
      return { jsonrpc: '2.0', id, error: { code: -32000, message: 'pairing already in progress' } }
    }
    return { jsonrpc: '2.0', id, error: { code: -32601, message: 'method not found' } }
  }
  const lastPair = new Map<string, number>()
  const limited = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (local(req)) return false
    const ip = req.socket.remoteAddress ?? ''
    const now = Date.now()
    if (now - (lastPair.get(ip) ?? -Infinity) >= PAIR_INTERVAL_MS) {
      lastPair.set(ip, now)
      return false
    }
    if (fixes.has('problem-429')) {
      res.writeHead(429, { 'content-type': LABELS.problemContentType, 'retry-after': '1' })
      res.end(JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429 }))
    } else {
      res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('Too Many Requests\n')
    }
    return true
  }
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    if (req.method === 'POST' && path === '/emulator/pin') {
      const body = JSON.parse((await readBody(req, 1024)) || '{}') as { ttl?: number }
      pairing.cancel()
      const pin = pairing.startPin(body.ttl === undefined ? pinTtlMs : body.ttl * 1000)
      return sendJson(res, pin === undefined ? { status: 409, body: { error: 'PIN live' } } : { status: 200, body: pin })
    }
    const limit = BODY_LIMITS[path]
    if (req.method !== 'POST' || limit === undefined) return sendJson(res, { status: 404, body: { error: 'not found' } })
    if (limited(req, res)) return
    const text = await readBody(req, limit)
    let body: unknown
    try {
      body = text === undefined ? undefined : JSON.parse(text)
    } catch {
      body = undefined
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendJson(res, { status: 400, body: { error: 'invalid request body' } })
    }
    const b = body as Record<string, unknown>
    sendJson(res, path === '/api/pair/start' ? pairing.start(b) : pairing.finish(b))
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    if (!WS_PATHS.has((req.url ?? '').split('?')[0]!)) return void socket.destroy()
    wss.handleUpgrade(req, socket, head, (ws) => hub!.attach(ws, local(req)))
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      for (const ws of wss.clients) ws.terminate()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Keep-alive connections of the harness's HTTP client would hold close() for seconds.
      server.closeAllConnections()
      await closed
    },
  }
}
