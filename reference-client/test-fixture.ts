/**
 * A small fake device for the client's tests (node:http + ws on a free loopback port). By default
 * it follows the protocol: discovery, SPAKE2 pairing as party B, signed tickets, a Noise responder
 * that answers pairwire.echo, signed JSON-RPC over HTTP and unpairing. Each test bends one rule:
 * a hook rewrites a pair/start or pair/finish answer, a route answers with a problem, or the
 * session misbehaves in a named way, so the client's reaction to exactly that can be asserted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode, utf8Decode } from '../protocol/encoding.ts'
import { parseSignedRequest, verifyParsedSignature } from '../protocol/httpsig/index.ts'
import { clientIdOf, deviceIdOf } from '../protocol/ids.ts'
import { sessionPrologue } from '../protocol/noise/index.ts'
import {
  LABELS,
  LIMIT_DEFAULTS,
  PATHS,
  PROBLEMS,
  PROTOCOL_VERSION,
  SIZES,
  problemType,
  type ProblemEntry,
} from '../protocol/registry.ts'
import {
  confirmDevicePairing,
  respondDevicePairing,
  type DevicePairingState,
} from '../protocol/spake2/index.ts'
import { newTicket, ticketHash } from '../protocol/tickets.ts'
import { requestHmacKey } from './signed.ts'
import {
  rpcAnswer,
  runFakeSession,
  type FakeSession,
  type SessionMode,
} from './test-fake-session.ts'

export type { FakeSession, SessionMode } from './test-fake-session.ts'

export const FAKE_PIN = '482913'

type Json = Record<string, unknown>

export interface FakeDeviceOptions {
  readonly startAnswer?: (answer: Json) => Json
  readonly finishAnswer?: (answer: Json) => Json
  /** Routes (by path) answered with this problem instead. */
  readonly problems?: Readonly<Record<string, { entry: ProblemEntry; extras?: Json }>>
  readonly sessionMode?: SessionMode
}

interface PairedClient {
  readonly key: Uint8Array
  readonly pairingKey: Uint8Array
}

export interface FakeDevice {
  readonly url: string
  readonly deviceId: string
  readonly deviceKey: Uint8Array
  readonly clients: Map<string, PairedClient>
  /** Resolves with the next session, as soon as its socket is open. */
  nextSession(): Promise<FakeSession>
  close(): Promise<void>
}

type Route = (req: IncomingMessage, res: ServerResponse, body: Uint8Array) => void

const now = () => Math.floor(Date.now() / 1000)

function answer(res: ServerResponse, status: number, body?: unknown, type = 'application/json') {
  res.writeHead(status, body === undefined ? {} : { 'content-type': type })
  res.end(body === undefined ? '' : JSON.stringify(body))
}

function problemJson(entry: ProblemEntry, extras: Json = {}): Json {
  return { type: problemType(entry), title: entry.title, status: entry.status, ...extras }
}

function answerProblem(res: ServerResponse, entry: ProblemEntry, extras: Json = {}): void {
  answer(res, entry.status, problemJson(entry, extras), LABELS.problemContentType)
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

const parseJson = (body: Uint8Array) => JSON.parse(utf8Decode(body)) as Json

class Fake {
  readonly seed = defaultBackend.randomBytes(SIZES.ed25519PublicKey)
  readonly deviceKey = defaultBackend.ed25519PublicKey(this.seed)
  readonly deviceId = deviceIdOf(this.deviceKey)
  readonly clients = new Map<string, PairedClient>()
  readonly pairings = new Map<string, { state: DevicePairingState; clientKey: Uint8Array }>()
  readonly tickets = new Map<string, string>()
  readonly waiting: ((session: FakeSession) => void)[] = []
  readonly ready: FakeSession[] = []
  readonly wss = new WebSocketServer({ noServer: true })
  readonly options: FakeDeviceOptions

  constructor(options: FakeDeviceOptions) {
    this.options = options
  }

  readonly routes: Record<string, Route> = {
    [PATHS.discovery]: (_req, res) => answer(res, 200, this.discovery()),
    [PATHS.pairStart]: (_req, res, body) => this.pairStart(res, parseJson(body)),
    [PATHS.pairFinish]: (_req, res, body) => this.pairFinish(res, parseJson(body)),
    [PATHS.tickets]: (req, res, body) => {
      const clientId = this.verifySigned(req, res, body)
      if (clientId === null) return
      const { ticket, hash } = newTicket()
      this.tickets.set(hash, clientId)
      answer(res, 200, { v: PROTOCOL_VERSION, ticket, expires_at: now() + 30 })
    },
    [PATHS.rpc]: (req, res, body) => {
      if (this.verifySigned(req, res, body) !== null) answer(res, 200, rpcAnswer(parseJson(body)))
    },
    [PATHS.clientsSelf]: (req, res, body) => {
      const clientId = this.verifySigned(req, res, body)
      if (clientId === null) return
      this.clients.delete(clientId)
      answer(res, 204)
    },
  }

  discovery(): Json {
    return {
      v: PROTOCOL_VERSION,
      versions: [PROTOCOL_VERSION],
      device_id: this.deviceId,
      device_key: base64urlEncode(this.deviceKey),
      name: 'fake device',
      profiles: ['pairing', 'session', 'signed-http'],
      algorithms: ['ed25519', 'hmac-sha256'],
      limits: { ...LIMIT_DEFAULTS },
    }
  }

  pairStart(res: ServerResponse, request: Json): void {
    const clientKey = base64urlDecode(request.client_key as string, SIZES.ed25519PublicKey)
    const pA = base64urlDecode(request.pA as string, SIZES.p256UncompressedPoint)
    const { deviceKey } = this
    const { pB, state } = respondDevicePairing({ pin: FAKE_PIN, clientKey, deviceKey, pA })
    const pairingId = base64urlEncode(defaultBackend.randomBytes(16))
    this.pairings.set(pairingId, { state, clientKey })
    const start = {
      v: PROTOCOL_VERSION,
      pairing_id: pairingId,
      pB: base64urlEncode(pB),
      device_key: base64urlEncode(deviceKey),
      expires_at: now() + 60,
    }
    answer(res, 200, this.options.startAnswer?.(start) ?? start)
  }

  pairFinish(res: ServerResponse, request: Json): void {
    const pending = this.pairings.get(request.pairing_id as string)
    if (pending === undefined) return answerProblem(res, PROBLEMS.unknownPairing)
    this.pairings.delete(request.pairing_id as string)
    let confirmed: ReturnType<typeof confirmDevicePairing>
    try {
      confirmed = confirmDevicePairing(pending.state, base64urlDecode(request.cA as string))
    } catch {
      return answerProblem(res, PROBLEMS.confirmationFailed, { attempts_remaining: 2 })
    }
    const clientId = clientIdOf(pending.clientKey)
    this.clients.set(clientId, { key: pending.clientKey, pairingKey: confirmed.pairingKey })
    const cB = base64urlEncode(confirmed.cB)
    const finish = { v: PROTOCOL_VERSION, client_id: clientId, device_id: this.deviceId, cB }
    answer(res, 200, this.options.finishAnswer?.(finish) ?? finish)
  }

  /** Spec §8 checks; the paired client's id, or null after answering the problem. */
  verifySigned(req: IncomingMessage, res: ServerResponse, body: Uint8Array): string | null {
    const url = `http://${req.headers.host}${req.url}`
    try {
      const { method = '', headers } = req
      const parsed = parseSignedRequest({ method, url, headers, body })
      const client = this.clients.get(parsed.params.keyid)
      if (client === undefined) return answerProblem(res, PROBLEMS.unknownKey), null
      const hmac = parsed.params.alg === 'hmac-sha256'
      verifyParsedSignature(parsed, hmac ? requestHmacKey(client.pairingKey) : client.key)
      return parsed.params.keyid
    } catch {
      return answerProblem(res, PROBLEMS.signatureInvalid), null
    }
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, body: Uint8Array): void {
    const path = (req.url ?? '').split('?')[0]!
    const problem = this.options.problems?.[path]
    if (problem !== undefined) return answerProblem(res, problem.entry, problem.extras)
    const route = this.routes[path]
    if (route === undefined) return answerProblem(res, PROBLEMS.notFound)
    route(req, res, body)
  }

  /** Spec §7.2 gate: a known ticket, taken once; otherwise 401 ticket-invalid, no upgrade. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(req.url ?? '', 'http://device').searchParams.get('ticket') ?? ''
    const hash = ticketHash(ticket)
    const clientId = this.tickets.get(hash) ?? ''
    const client = this.clients.get(clientId)
    this.tickets.delete(hash)
    if (client === undefined) {
      const entry = PROBLEMS.ticketInvalid
      const body = JSON.stringify(problemJson(entry))
      const head = [`HTTP/1.1 ${entry.status} ${entry.title}`, 'connection: close',
        `content-type: ${LABELS.problemContentType}`, `content-length: ${body.length}`]
      socket.end(head.join('\r\n') + '\r\n\r\n' + body)
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const prologue = sessionPrologue(clientId, this.deviceId)
      const mode = this.options.sessionMode ?? 'normal'
      const session = runFakeSession(ws, client.pairingKey, prologue, mode)
      const waiter = this.waiting.shift()
      if (waiter !== undefined) waiter(session)
      else this.ready.push(session)
    })
  }

  nextSession(): Promise<FakeSession> {
    const session = this.ready.shift()
    if (session !== undefined) return Promise.resolve(session)
    return new Promise((resolve) => this.waiting.push(resolve))
  }
}

export async function startFakeDevice(options: FakeDeviceOptions = {}): Promise<FakeDevice> {
  const fake = new Fake(options)
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => fake.handleRequest(req, res, body))
  })
  server.on('upgrade', (req, socket, head) => fake.handleUpgrade(req, socket, head))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    deviceId: fake.deviceId,
    deviceKey: fake.deviceKey,
    clients: fake.clients,
    nextSession: () => fake.nextSession(),
    close: async () => {
      for (const ws of fake.wss.clients) ws.terminate()
      fake.wss.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
