/**
 * The end-to-end scenarios of `npm run bench` (one repetition each): every scenario starts its
 * servers in fresh processes, warms up, measures for a fixed time, and returns the Pairwire
 * figure next to its baseline taken the same way on the same machine.
 */
import { base64urlEncode } from '../protocol/encoding.ts'
import { METHODS, PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'
import { startClientPairing } from '../protocol/spake2/index.ts'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { connect, signedRequest, type Session } from '../reference-client/index.ts'
import {
  bearer,
  closedLoop,
  echoParams,
  pairWith,
  PlainRpc,
  testPin,
  tlsOf,
  trustingDispatcher,
  type Timing,
} from './load.ts'
import { startServer, type Child, type ServerKind } from './processes.ts'

export interface Settings extends Timing {
  /** Idle sessions held open for the memory scenario. */
  readonly sessions: number
  /** redis://… of a running redis-server, or null when none could be started. */
  readonly redisUrl: string | null
}

/** One repetition's figures; a missing baseline is null. */
export interface Figures {
  readonly pairwire: number
  /** The plain, unprotected baseline (ws or node:http). */
  readonly baseline: number | null
  /** The TLS 1.3 + bearer token baseline (bench/baselines/wss-echo.ts). */
  readonly wss: number | null
}

/** Runs `work` against a fresh server process of `kind`, stopping it afterwards. */
async function withServer<T>(
  kind: ServerKind,
  work: (server: Child) => Promise<T>,
  store?: string,
): Promise<T> {
  const server = await startServer(kind, store)
  try {
    return await work(server)
  } finally {
    await server.stop()
  }
}

async function postJson(url: string, body: object, extra: object = {}): Promise<unknown> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json' } }
  const response = await fetch(url, { ...init, body: JSON.stringify(body), ...extra })
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
  return response.json()
}

const bearerJson = (token: string) => ({ 'content-type': 'application/json', ...bearer(token) })

async function echoOnce(session: Session | PlainRpc, params: object): Promise<void> {
  const answer = await session.request(METHODS.echo, params as Record<string, unknown>)
  if (answer === undefined) throw new Error('no answer')
}

/** 1. `inFlight` pairwire.echo requests of `bytes` kept in flight over one session. */
export function throughput(bytes: number, inFlight: number) {
  const params = echoParams(bytes)
  return async (s: Settings): Promise<Figures> => {
    const baseline = await withServer('ws-echo', async ({ url }) => {
      const rpc = await PlainRpc.open(url)
      const rate = await closedLoop(() => echoOnce(rpc, params), inFlight, s)
      await rpc.close()
      return rate
    })
    const wss = await withServer('wss-echo', async (server) => {
      const rpc = await PlainRpc.open(server.url, tlsOf(server))
      const rate = await closedLoop(() => echoOnce(rpc, params), inFlight, s)
      await rpc.close()
      return rate
    })
    const pairwire = await withServer('pairwire', async ({ url }) => {
      const session = await connect(await pairWith(url))
      const rate = await closedLoop(() => echoOnce(session, params), inFlight, s)
      await session.close()
      return rate
    })
    return { pairwire, baseline, wss }
  }
}

/**
 * 3. Sequential connection set-up: upgrade (+ Noise handshake) + first echo. The wss client makes
 * a full TLS 1.3 handshake each time (ws keeps no session cache), as a new device connection does.
 * Pairwire authenticates the upgrade with a signed upgrade (spec §7.2, what a Node client can
 * do) or, as a browser must, with a ticket fetched first (`upgrade` 'ticket').
 */
export const connectionSetup = (upgrade: 'signed' | 'ticket') => async (s: Settings): Promise<Figures> => {
  const params = echoParams(64)
  const baseline = await withServer('ws-echo', ({ url }) =>
    closedLoop(async () => {
      const rpc = await PlainRpc.open(url)
      await echoOnce(rpc, params)
      await rpc.close()
    }, 1, s),
  )
  const wss = await withServer('wss-echo', (server) =>
    closedLoop(async () => {
      const rpc = await PlainRpc.open(server.url, tlsOf(server))
      await echoOnce(rpc, params)
      await rpc.close()
    }, 1, s),
  )
  const pairwire = await withServer('pairwire', async ({ url }) => {
    const credentials = await pairWith(url)
    return closedLoop(async () => {
      const session = await connect(credentials, { upgrade })
      await echoOnce(session, params)
      await session.close()
    }, 1, s)
  })
  return { pairwire, baseline, wss }
}

/** What a signed-HTTP scenario reports of 32 concurrent loops of `op` against `server`. */
type Measure = (server: Child, op: () => Promise<unknown>, s: Settings) => Promise<number>

const requestsPerSecond: Measure = (_server, op, s) => closedLoop(op, 32, s)

/**
 * Device CPU µs per request: the server process's CPU time over the whole loop (warm-up
 * included) divided by the requests it answered (every one started is awaited). /proc counts
 * CPU in 10 ms ticks, so a window too short to see a tick is refused rather than reported as free.
 */
const cpuUsPerRequest: Measure = async (server, op, s) => {
  let requests = 0
  const before = server.cpuMs()
  await closedLoop(() => (requests++, op()), 32, s)
  const cpuMs = server.cpuMs() - before
  if (cpuMs <= 0) throw new Error('the window was too short to measure CPU time')
  return (cpuMs * 1000) / requests
}

/**
 * Signed POST /pairwire/v1/rpc echo, 32 concurrent, against the same call unsigned over plain
 * HTTP and over HTTPS with a bearer token (the same fetch, keep-alive connections in both).
 */
function signedHttpMeasured(
  store: 'memory' | 'redis',
  measure: Measure,
  alg: 'ed25519' | 'hmac-sha256' = 'ed25519',
) {
  const params = echoParams(256)
  return async (s: Settings): Promise<Figures> => {
    const storeSpec = store === 'memory' ? 'memory' : s.redisUrl
    if (storeSpec === null) throw new Error('redis-server is not available')
    const body = { jsonrpc: '2.0', id: 1, method: METHODS.echo, params }
    const baseline = await withServer('http-echo', (server) =>
      measure(server, () => postJson(server.url + PATHS.rpc, body), s),
    )
    const wss = await withServer('wss-echo', async (server) => {
      const { ca, token } = tlsOf(server)
      const https = { dispatcher: await trustingDispatcher(ca), headers: bearerJson(token) }
      return measure(server, () => postJson(server.url + PATHS.rpc, body, https), s)
    })
    const pairwire = await withServer('pairwire', async (server) => {
      const credentials = await pairWith(server.url)
      return measure(server, () => signedRequest(credentials, METHODS.echo, params, { alg }), s)
    }, storeSpec)
    return { pairwire, baseline, wss }
  }
}

/** 4. Requests per second of the signed-HTTP echo. */
export const signedHttp = (store: 'memory' | 'redis') => signedHttpMeasured(store, requestsPerSecond)

/**
 * 4b. The cost per request of scenario 4 in µs of device CPU (issue 17 point 4), signed with
 * Ed25519 (the default) or with the HMAC-SHA256 request key (spec §8.3).
 */
export const signedHttpCpu = (store: 'memory' | 'redis', alg: 'ed25519' | 'hmac-sha256' = 'ed25519') =>
  signedHttpMeasured(store, cpuUsPerRequest, alg)

/** 5. Complete pairings per second, sequential (each needs a fresh pairing window). */
export async function pairings(s: Settings): Promise<Figures> {
  const pairwire = await withServer('pairwire', ({ url }) => closedLoop(() => pairWith(url), 1, s))
  return { pairwire, baseline: null, wss: null }
}

/** 5. Server CPU milliseconds per pair/start (with the test/pin call that opens its window). */
export async function pairStartCpu(s: Settings): Promise<Figures> {
  const pairwire = await withServer('pairwire', async (server) => {
    const discovery = (await (await fetch(server.url + PATHS.discovery)).json()) as {
      device_key: string
    }
    const deviceKey = Buffer.from(discovery.device_key, 'base64url')
    const clientKey = defaultBackend.ed25519PublicKey(defaultBackend.randomBytes(32))
    const client_key = base64urlEncode(clientKey)
    let count = 0
    const start = async () => {
      const pin = await testPin(server.url)
      const { pA } = startClientPairing({ pin, clientKey, deviceKey })
      const pAText = base64urlEncode(pA)
      const body = { v: PROTOCOL_VERSION, client_key, client_name: 'bench', pA: pAText }
      await postJson(server.url + PATHS.pairStart, body)
      count++
    }
    await closedLoop(start, 1, { warmupMs: 0, durationMs: s.warmupMs })
    const cpuBefore = server.cpuMs()
    count = 0
    await closedLoop(start, 1, { warmupMs: 0, durationMs: s.durationMs })
    return (server.cpuMs() - cpuBefore) / count
  })
  return { pairwire, baseline: null, wss: null }
}

/** Opens `n` connections 50 at a time; resolves with what closes them. */
async function openMany<T>(n: number, open: () => Promise<T>): Promise<T[]> {
  const all: T[] = []
  while (all.length < n) {
    const batch = Math.min(50, n - all.length)
    all.push(...(await Promise.all(Array.from({ length: batch }, open))))
  }
  return all
}

/** RSS growth of `server` per connection while `n` idle connections are open. */
async function rssPerConnection<T>(
  server: Child,
  n: number,
  open: () => Promise<T>,
  close: (c: T) => Promise<unknown>,
): Promise<number> {
  // Warm up: the first connections load code and grow pools that later ones reuse.
  await Promise.all((await openMany(20, open)).map(close))
  const before = await server.rssBytes()
  const connections = await openMany(n, open)
  const after = await server.rssBytes()
  await Promise.all(connections.map(close))
  // With few connections (--quick) the heap the collector gives back can outweigh them.
  if (after < before) throw new Error(`RSS fell while ${n} connections opened: too few to measure`)
  return (after - before) / n
}

/** 6. Server RSS per idle established session, against plain ws connections. */
export async function memory(s: Settings): Promise<Figures> {
  const baseline = await withServer('ws-echo', (server) =>
    rssPerConnection(server, s.sessions, () => PlainRpc.open(server.url), (c) => c.close()),
  )
  const wss = await withServer('wss-echo', (server) =>
    rssPerConnection(server, s.sessions, () => PlainRpc.open(server.url, tlsOf(server)),
      (c) => c.close()),
  )
  const pairwire = await withServer('pairwire', async (server) => {
    const credentials = await pairWith(server.url)
    return rssPerConnection(server, s.sessions, () => connect(credentials), (c) => c.close())
  })
  return { pairwire, baseline, wss }
}

/** The p99 echo latency must stay at or under this for a session count to pass (issue 17). */
export const SCALING_P99_MS = 10
/** Each session sends one echo per this period, as a device polled by an app might. */
const SCALING_PERIOD_MS = 1000

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Infinity : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

/**
 * p99 round-trip time of `sessions`, each sending one 256-byte echo per SCALING_PERIOD_MS, phases
 * spread evenly by one 10 ms ticker, over `durationMs`.
 */
async function p99With(sessions: Session[], durationMs: number): Promise<number> {
  const params = echoParams(256)
  const latencies: number[] = []
  const TICK_MS = 10
  const perTick = sessions.length / (SCALING_PERIOD_MS / TICK_MS)
  let next = 0
  let owed = 0
  const inFlight = new Set<Promise<void>>()
  const failures: unknown[] = []
  const ticker = setInterval(() => {
    owed += perTick
    for (; owed >= 1; owed--) {
      const session = sessions[next++ % sessions.length]!
      const start = performance.now()
      const echo = session.request(METHODS.echo, params).then(
        () => void latencies.push(performance.now() - start),
        (e: unknown) => void failures.push(e),
      )
      inFlight.add(echo)
      void echo.finally(() => inFlight.delete(echo))
    }
  }, TICK_MS)
  await new Promise((done) => setTimeout(done, durationMs))
  clearInterval(ticker)
  await Promise.all(inFlight)
  if (failures.length > 0) throw new Error(`echo failed: ${String(failures[0])}`)
  return percentile(latencies.sort((a, b) => a - b), 0.99)
}

/**
 * 8. Sessions one device process (one core: Node runs the session code on one thread) holds with
 * p99 echo latency at or under SCALING_P99_MS, each session sending one echo a second: the count
 * doubles from 250 (25 in --quick) until the p99 passes the bound; the figure is the last count
 * that stayed under it (0 if the first did not).
 */
export async function scaling(s: Settings): Promise<Figures> {
  const quick = s.sessions < 1000
  const levels = quick ? [25, 50] : [250, 500, 1000, 2000, 4000, 8000]
  const pairwire = await withServer('pairwire', async (server) => {
    const credentials = await pairWith(server.url)
    const sessions: Session[] = []
    let passed = 0
    try {
      for (const level of levels) {
        sessions.push(...(await openMany(level - sessions.length, () => connect(credentials))))
        await p99With(sessions, s.warmupMs)
        if ((await p99With(sessions, s.durationMs)) > SCALING_P99_MS) break
        passed = level
      }
    } finally {
      await Promise.all(sessions.map((session) => session.close()))
    }
    return passed
  })
  return { pairwire, baseline: null, wss: null }
}
