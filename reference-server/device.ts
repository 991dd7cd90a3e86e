/**
 * createDevice: the reference Pairwire device on real sockets. It loads the identity, opens the
 * store, builds the one ServerContext, serves the HTTP endpoints (http/) and the session
 * WebSocket (session/) on one node:http server, and closes live sessions when a client is
 * removed from the store, by this node or by any other node sharing the store (spec §9.3).
 * close() is the graceful shutdown: stop accepting, close sessions with going-away,
 * let in-flight requests finish briefly, then close the store and the audit log.
 */
import { capConnectionsPerIp } from './limits/connection-cap.ts'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Writable } from 'node:stream'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { CLOSES, LIMIT_DEFAULTS, SIZES, type Limits } from '../protocol/registry.ts'
import { NAME_MAX_LENGTH } from '../schemas/src/primitives.ts'
import type { ServerContext } from './context.ts'
import type { FaultName } from './faults.ts'
import { createClientErrorListener, createRequestListener } from './http/app.ts'
import { loadBrowserPage } from './http/browser-page.ts'
import { createHttpDeps } from './http/deps.ts'
import { isLoopbackHost } from './http/loopback.ts'
import { revokeClient, sessionsSpared } from './http/revocation.ts'
import { loadIdentity } from './identity.ts'
import { createAuditLog, createLogger } from './logs.ts'
import { defaultRpcMethods } from './rpc/index.ts'
import { attachSessions, createSessionRegistry } from './session/index.ts'
import { openStore } from './store/index.ts'
import { holdRelaySlot, type RelaySlot } from './relay/slot.ts'

export const DEFAULT_STATE_DIR = '.pairwire'
export const DEFAULT_NAME = 'Pairwire reference device'
/** How long close() lets in-flight requests finish before cutting their connections. */
const SHUTDOWN_GRACE_MS = 1000
/** A request (headers and body) must arrive within this time: no slow-loris connections. */
const REQUEST_TIMEOUT_MS = 30_000

export interface DeviceOptions {
  host: string
  /** 0 picks a free port. */
  port: number
  /** memory | file:PATH | redis://HOST:PORT */
  store: string
  /** Device key and audit log; default ./.pairwire; null keeps both in memory only. */
  stateDir?: string | null
  name?: string
  limits?: Partial<Limits>
  /** The spec §12 test-control interface; refused unless host is loopback. */
  testHooks?: boolean
  /** Fault switches (faults.ts); refused without testHooks. */
  faults?: FaultName[]
  /** Where the JSON log lines go; default stderr. */
  logStream?: Writable
  /** The device clock in integer seconds; default the system clock. For tests. */
  clock?: () => number
  /** Serve the browser page built into this directory (http/browser-page.ts); off by default. */
  browserPageDir?: string
  /** A relay URL (spec §15): hold this device's slot there and serve its client streams. */
  relay?: string
  /** Decline the clients' json_seq offers (spec §7.10); default false: packed plaintexts are accepted. */
  noJsonSeq?: boolean
  /** Refuse signed upgrades, as a device without them does (spec §7.2); default false. */
  noSignedUpgrade?: boolean
}

export interface Device {
  readonly url: string
  /** Set with options.relay: settles when the relay first holds the slot (spec §15.3). */
  readonly relayHeld?: Promise<void>
  readonly deviceId: string
  readonly ctx: ServerContext
  /** Opens (or replaces) the pairing window; ttl defaults to limits.pin_ttl. */
  openPairingWindow(ttl?: number): Promise<{ pin: string; expiresAt: number }>
  /** The operator revokes a client (spec §9.3); false when it is not paired. */
  revokeClient(clientId: string): Promise<boolean>
  close(): Promise<void>
}

const systemClock = (): number => Math.floor(Date.now() / 1000)

const UNBOUNDED = Number.MAX_SAFE_INTEGER
const MIN_BODY = 1024
/** Spec §4.3: the values a device may advertise, [min, max]; two more rules are relative. */
const LIMIT_RANGES: Record<keyof Limits, readonly [number, number]> = {
  pin_ttl: [1, LIMIT_DEFAULTS.max_pin_ttl],
  max_pin_ttl: [1, LIMIT_DEFAULTS.max_pin_ttl],
  max_pin_failures: [1, 10],
  pairing_ttl: [1, 300],
  ticket_ttl: [1, 60],
  skew: [1, 300],
  max_body: [MIN_BODY, UNBOUNDED],
  max_frame: [MIN_BODY, SIZES.noiseMaxMessage],
  handshake_timeout: [1, 60],
  ping_interval: [1, 300],
  max_concurrent_pairings: [1, UNBOUNDED],
  rate_ip_per_minute: [1, UNBOUNDED],
  rate_client_per_minute: [1, UNBOUNDED],
  max_inflight_bytes: [1, UNBOUNDED],
  max_connections_per_ip: [1, UNBOUNDED],
}

/** LIMIT_DEFAULTS overridden by `overrides`, each within its spec §4.3 range. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...LIMIT_DEFAULTS }
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(LIMIT_RANGES, name)) throw new RangeError(`unknown limit ${name}`)
    const [min, max] = LIMIT_RANGES[name as keyof Limits]
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`limit ${name} must be an integer in ${min}..${max}`)
    }
    limits[name as keyof Limits] = value
  }
  if (limits.pin_ttl > limits.max_pin_ttl) throw new RangeError('pin_ttl exceeds max_pin_ttl')
  if (limits.max_inflight_bytes < limits.max_body) {
    throw new RangeError('max_inflight_bytes is below max_body')
  }
  return limits
}

function checkOptions(options: DeviceOptions): void {
  const nameLength = [...(options.name ?? DEFAULT_NAME)].length
  if (nameLength < 1 || nameLength > NAME_MAX_LENGTH) {
    throw new RangeError(`the device name must have 1..${NAME_MAX_LENGTH} characters`)
  }
  if (options.testHooks && !isLoopbackHost(options.host)) {
    throw new Error('the test-control interface is only offered on a loopback host')
  }
  if ((options.faults ?? []).length > 0 && !options.testHooks) {
    throw new Error('fault switches require the test-control interface')
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function urlOf(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return `http://${bracketed}:${port}`
}

async function createContext(options: DeviceOptions, stateDir: string | null) {
  const limits = resolveLimits(options.limits)
  // Read before the store opens, so a missing build fails start-up with nothing to release.
  const browserPage =
    options.browserPageDir === undefined ? undefined : loadBrowserPage(options.browserPageDir)
  const identity = loadIdentity(stateDir, options.name ?? DEFAULT_NAME, defaultBackend)
  const log = createLogger(options.logStream)
  // Spec §13.4: loud at start-up, so an operator sees it before the first acknowledged pairing.
  const store = await openStore(options.store, {
    onNotDurable: (message) => log.warn('store.not-durable', { message }),
  })
  const audit = createAuditLog(stateDir)
  const ctx: ServerContext = {
    identity,
    limits,
    store,
    log,
    audit,
    faults: new Set(options.faults ?? []),
    sessions: createSessionRegistry(),
    rpcMethods: defaultRpcMethods(identity),
    backend: defaultBackend,
    now: options.clock ?? systemClock,
    testHooks: options.testHooks ?? false,
    jsonSeq: options.noJsonSeq !== true,
    signedUpgrade: options.noSignedUpgrade !== true,
    ...(browserPage === undefined ? {} : { browserPage }),
  }
  const release = async () => {
    await store.close()
    await audit.close()
  }
  return { ctx, release }
}

/** Spec §9.3: a client removed through any node's store loses its sessions on this node. */
function closeSessionsOnRemoval(ctx: ServerContext): () => void {
  return ctx.store.onClientRemoved((clientId) => {
    if (ctx.faults.has('ignore-revocation') || sessionsSpared(ctx, clientId)) return
    const closed = ctx.sessions.closeClient(clientId, CLOSES.clientRevoked)
    ctx.log.info('client.removed', { client_id: clientId, sessions_closed: closed })
  })
}

export async function createDevice(options: DeviceOptions): Promise<Device> {
  checkOptions(options)
  const stateDir = options.stateDir === undefined ? DEFAULT_STATE_DIR : options.stateDir
  const { ctx, release } = await createContext(options, stateDir)
  const deps = createHttpDeps(ctx)
  const listener = createRequestListener(deps)
  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, requireHostHeader: false }, listener)
  // Spec §10.6: idle sockets from one address are bounded by the cap, not the descriptor limit.
  if (!ctx.faults.has('no-connection-cap')) {
    capConnectionsPerIp(server, ctx.limits.max_connections_per_ip, ctx.log)
  }
  // Spec §2.6: no bare 400/431/408 for unparsable requests, no bare 417 for an unknown
  // expectation, which RFC 9110 §10.1.1 lets a server ignore.
  server.on('clientError', createClientErrorListener(deps))
  server.on('checkExpectation', listener)
  // Spec §10.2: Node would answer 100 Continue to every Expect: 100-continue before any handler
  // ran, inviting a body the device may refuse unread; readBody sends it once the limits pass.
  // Fault continue-before-413 keeps Node's default.
  if (!ctx.faults.has('continue-before-413')) server.on('checkContinue', listener)
  // One per-IP budget for HTTP requests and WebSocket upgrades alike (spec §10.3).
  const sessions = attachSessions(server, ctx, {
    ipLimiter: deps.ipLimiter,
    clientLimiter: deps.clientLimiter,
  })
  const unsubscribe = closeSessionsOnRemoval(ctx)
  const releaseAll = async () => {
    unsubscribe()
    await sessions.close()
    await release()
  }
  const port = await listen(server, options.host, options.port).catch(async (e: unknown) => {
    await releaseAll()
    throw e
  })
  ctx.log.info('device.listening', { host: options.host, port, device_id: ctx.identity.deviceId })
  const relay: RelaySlot | undefined = options.relay === undefined ? undefined : holdRelaySlot(server, {
    relayUrl: options.relay,
    seed: ctx.identity.seed,
    deviceId: ctx.identity.deviceId,
    log: ctx.log,
    backend: ctx.backend,
  })
  let closing: Promise<void> | undefined
  return {
    url: urlOf(options.host, port),
    ...(relay === undefined ? {} : { relayHeld: relay.held }),
    deviceId: ctx.identity.deviceId,
    ctx,
    async openPairingWindow(ttl = ctx.limits.pin_ttl) {
      const { pin, expiresAt } = await deps.window.open(ttl, ctx.now())
      ctx.log.info('pairing.window-open', { expires_at: expiresAt })
      return { pin, expiresAt }
    },
    revokeClient: (clientId) => revokeClient(ctx, clientId, 'operator'),
    // Sessions close with going-away through the relay first; then the link goes (spec §15.6).
    close: () => (closing ??= shutdown(server, ctx, async () => {
      await relay?.close()
      await releaseAll()
    })),
  }
}

/**
 * Stop accepting, end sessions with going-away, give in-flight requests a grace period, and only
 * then release the store and the audit log they may still use.
 */
async function shutdown(server: Server, ctx: ServerContext, release: () => Promise<void>) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeIdleConnections()
  await ctx.sessions.closeAll(CLOSES.goingAway)
  const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS)
  grace.unref()
  await closed
  clearTimeout(grace)
  await release()
  ctx.log.info('device.closed', {})
}
