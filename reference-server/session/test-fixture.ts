/**
 * Test fixture for the session WebSocket (not part of the device): a node:http server on a free
 * loopback port with attachSessions, a ServerContext built by hand around the real memory store,
 * one paired client whose pairing key the test knows, tickets put straight into the store, and a
 * client side built from `ws` and protocol/noise (the initiator), so every test runs the real
 * protocol over a real socket. A store switch makes every store call fail (e.g. as unreachable).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocket, type ClientOptions, type RawData } from 'ws'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlEncode, utf8Decode, utf8Encode } from '../../protocol/encoding.ts'
import { clientIdOf, deviceIdOf } from '../../protocol/ids.ts'
import { HandshakeState, NoiseTransport, sessionPrologue } from '../../protocol/noise/index.ts'
import {
  LIMIT_DEFAULTS,
  PATHS,
  SIZES,
  type CloseEntry,
  type Limits,
} from '../../protocol/registry.ts'
import { newTicket } from '../../protocol/tickets.ts'
import type { Logger, RpcHandler, ServerContext } from '../context.ts'
import type { FaultName } from '../faults.ts'
import { defaultRpcMethods } from '../rpc/index.ts'
import { MemoryStore } from '../store/memory-store.ts'
import { StoreUnavailableError, type Store } from '../store/store.ts'
import { attachSessions, createSessionRegistry } from './index.ts'
import type { IpLimiter } from './gate.ts'

export interface FixtureOptions {
  limits?: Partial<Limits>
  faults?: FaultName[]
  ipLimiter?: IpLimiter
  /** Accept json_seq offers (spec §7.10); default true. */
  jsonSeq?: boolean
}

export interface Fixture {
  /** ws://127.0.0.1:PORT */
  readonly origin: string
  readonly ctx: ServerContext
  readonly store: MemoryStore
  readonly clientId: string
  readonly pairingKey: Uint8Array
  /** Every audit record and every log event, in order. */
  readonly audit: { event: string; fields: Record<string, unknown> }[]
  readonly logs: { level: string; event: string; fields: Record<string, unknown> }[]
  /** Params of every call of RECORD_METHOD, in order. */
  readonly delivered: unknown[]
  /** When set, every store operation rejects with it (e.g. a StoreUnavailableError). */
  storeFault: Error | null
  /** A fresh ticket for the client (or another client id), valid ttlMs. */
  ticket(ttlMs?: number, clientId?: string): Promise<string>
  wsUrl(query: string): string
  close(): Promise<void>
}

/** Test-only methods: one records its params on the device side and answers true; the other
 * answers true after sending its params back to the caller as a notification. */
export const RECORD_METHOD = 'test.record'
export const NOTIFY_METHOD = 'test.notify'

function faulty(store: MemoryStore, fixture: { storeFault: Error | null }): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) =>
        fixture.storeFault === null
          ? (value as (...a: unknown[]) => unknown).apply(target, args)
          : Promise.reject(fixture.storeFault)
    },
  })
}

export const storeDown = () => new StoreUnavailableError('store switched off by the test')

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
}

export async function startFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const backend = defaultBackend
  const seed = backend.randomBytes(32)
  const publicKey = backend.ed25519PublicKey(seed)
  const identity = { seed, publicKey, deviceId: deviceIdOf(publicKey), name: 'Fixture device' }
  const clientKey = backend.ed25519PublicKey(backend.randomBytes(32))
  const clientId = clientIdOf(clientKey)
  const pairingKey = backend.randomBytes(SIZES.pairingKey)
  const store = new MemoryStore()
  await store.putClient({
    client_id: clientId,
    client_key: base64urlEncode(clientKey),
    name: 'Fixture client',
    pairing_key: base64urlEncode(pairingKey),
    paired_at: Math.floor(Date.now() / 1000),
  })
  const audit: Fixture['audit'] = []
  const logs: Fixture['logs'] = []
  const delivered: unknown[] = []
  const entry = (level: string) => (event: string, fields: Record<string, unknown> = {}) =>
    void logs.push({ level, event, fields })
  const log: Logger = { info: entry('info'), warn: entry('warn'), error: entry('error') }
  const rpcMethods = new Map<string, RpcHandler>([
    ...defaultRpcMethods(identity),
    [RECORD_METHOD, (params) => (delivered.push(params), true)],
    [NOTIFY_METHOD, (params, caller) => (caller.notify?.(NOTIFY_METHOD, params), true)],
  ])
  const switches: { storeFault: Error | null } = { storeFault: null }
  const ctx: ServerContext = {
    identity,
    limits: { ...LIMIT_DEFAULTS, ...options.limits },
    store: faulty(store, switches),
    log,
    audit: { record: (event, fields) => void audit.push({ event, fields }) },
    faults: new Set(options.faults ?? []),
    sessions: createSessionRegistry(),
    rpcMethods,
    backend,
    now: () => Math.floor(Date.now() / 1000),
    testHooks: true,
    jsonSeq: options.jsonSeq ?? true,
    signedUpgrade: true,
  }
  const server = createServer((_req, res) => res.writeHead(404).end())
  const sessions = attachSessions(server, ctx, { ipLimiter: options.ipLimiter })
  const port = await listen(server)
  const origin = `ws://127.0.0.1:${port}`
  return Object.assign(switches, {
    origin,
    ctx,
    store,
    clientId,
    pairingKey,
    audit,
    logs,
    delivered,
    async ticket(ttlMs = ctx.limits.ticket_ttl * 1000, forClient = clientId) {
      const { ticket, hash } = newTicket(backend)
      await store.putTicket(hash, forClient, ttlMs)
      return ticket
    },
    wsUrl: (query: string) => `${origin}${PATHS.websocket}${query}`,
    async close() {
      await sessions.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await store.close()
    },
  })
}

/** What a client observes on its WebSocket: frames in order, then the close. */
export class Observer {
  readonly frames: { data: Buffer; isBinary: boolean }[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  readonly #waiters: (() => void)[] = []

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.frames.push({ data: data as Buffer, isBinary })
      for (const wake of this.#waiters.splice(0)) wake()
    })
    ws.on('error', () => {})
    this.closed = new Promise((resolve) =>
      ws.once('close', (code: number, reason: Buffer) => {
        resolve({ code, reason: reason.toString('utf8') })
        for (const wake of this.#waiters.splice(0)) wake()
      }))
  }

  /** The index-th frame received, waiting for it; undefined when the socket closes first. */
  async frame(index: number): Promise<{ data: Buffer; isBinary: boolean } | undefined> {
    while (this.frames.length <= index && this.ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((wake) => this.#waiters.push(wake))
    }
    return this.frames[index]
  }
}

/** Opens a WebSocket with a fresh ticket; resolves once it is open. */
export async function connect(
  fixture: Fixture,
  options: ClientOptions = {},
  ticket?: string,
): Promise<Observer> {
  const url = fixture.wsUrl(`?ticket=${ticket ?? (await fixture.ticket())}`)
  const ws = new WebSocket(url, { perMessageDeflate: false, ...options })
  const observer = new Observer(ws)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
  return observer
}

export function clientHandshake(fixture: Fixture, psk = fixture.pairingKey): HandshakeState {
  return new HandshakeState({
    role: 'initiator',
    psk,
    prologue: sessionPrologue(fixture.clientId, fixture.ctx.identity.deviceId),
  })
}

/** A close as the client sees it: the entry's code and reason (spec §7.9). */
export const closeOf = (entry: CloseEntry) => ({ code: entry.code, reason: entry.reason })

/** Resolves once `predicate` holds (checked every 5 ms); rejects after timeoutMs. */
export async function until(predicate: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

export const encodeJson = (value: unknown): Uint8Array => utf8Encode(JSON.stringify(value))

/** A client session past the handshake: the socket, its transport and the message 2 payload. */
export interface ClientSession {
  readonly observer: Observer
  readonly ws: WebSocket
  readonly transport: NoiseTransport
  readonly devicePayload: Record<string, unknown>
  /** Seals and sends a JSON value (or raw plaintext bytes). */
  send(message: unknown): void
  /** Opens the index-th frame after message 2 as JSON; undefined when the socket closed first. */
  receive(index: number): Promise<unknown>
}

export async function openSession(
  fixture: Fixture,
  payload: unknown = { v: 1, max_frame: SIZES.noiseMaxMessage },
  options: ClientOptions = {},
): Promise<ClientSession> {
  const observer = await connect(fixture, options)
  const noise = clientHandshake(fixture)
  observer.ws.send(noise.writeMessage(encodeJson(payload)))
  const message2 = await observer.frame(0)
  if (message2 === undefined) throw new Error(`closed: ${JSON.stringify(await observer.closed)}`)
  const payload2 = noise.readMessage(message2.data)
  const devicePayload = JSON.parse(utf8Decode(payload2)) as Record<string, unknown>
  const transport = new NoiseTransport(noise.split())
  const opened = new Map<number, unknown>()
  return {
    observer,
    ws: observer.ws,
    transport,
    devicePayload,
    send(message) {
      const plaintext = message instanceof Uint8Array ? message : encodeJson(message)
      observer.ws.send(transport.seal(plaintext))
    },
    async receive(index) {
      // Transport frames must be opened in order: open every earlier one first.
      for (let i = opened.size; i <= index; i++) {
        const frame = await observer.frame(i + 1)
        if (frame === undefined) return undefined
        opened.set(i, JSON.parse(utf8Decode(transport.open(frame.data))))
      }
      return opened.get(index)
    },
  }
}
