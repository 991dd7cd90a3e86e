/**
 * Load generators for the end-to-end benchmarks: a closed loop that keeps N operations in flight
 * and counts completions in a timed window after a warm-up, and a minimal JSON-RPC client for the
 * plain ws baseline (the same messages as a Pairwire session, unencrypted).
 */
import WebSocket from 'ws'
import { METHODS, PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'
import { pair, type Credentials } from '../reference-client/index.ts'
import type { Child } from './processes.ts'

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

export interface Timing {
  readonly warmupMs: number
  readonly durationMs: number
}

/**
 * Runs `op` in `concurrency` loops for warm-up + duration; returns completions per second in the
 * timed window. The first failure stops the loops and rejects.
 */
export async function closedLoop(
  op: () => Promise<unknown>,
  concurrency: number,
  timing: Timing,
): Promise<number> {
  let stop = false
  let counting = false
  let count = 0
  let warmed: () => void = () => {}
  const firstDone = new Promise<void>((done) => (warmed = done))
  const loop = async () => {
    while (!stop) {
      await op()
      warmed()
      if (counting) count++
    }
  }
  const loops = Promise.all(Array.from({ length: concurrency }, loop))
  loops.catch(() => (stop = true))
  // The warm-up lasts at least until one operation has completed (slow ones in --quick).
  await Promise.race([Promise.all([sleep(timing.warmupMs), firstDone]), loops])
  counting = true
  const start = performance.now()
  await Promise.race([sleep(timing.durationMs), loops])
  counting = false
  const elapsed = performance.now() - start
  stop = true
  await loops
  return (count * 1000) / elapsed
}

/** pairwire.echo params whose JSON-RPC request is about `bytes` long. */
export function echoParams(bytes: number): { data: string } {
  const overhead = JSON.stringify({ jsonrpc: '2.0', id: 1000000, method: METHODS.echo }).length
  return { data: 'x'.repeat(Math.max(0, bytes - overhead - 20)) }
}

export const wsUrl = (httpUrl: string, path = '/'): string =>
  httpUrl.replace(/^http/, 'ws') + path

/** What a client of the wss + bearer baseline holds: its trust anchor and its token. */
export interface TlsBaseline {
  readonly ca: string
  readonly token: string
}

/** The certificate and token of a wss-echo server. */
export function tlsOf(server: Child): TlsBaseline {
  if (server.ca === null || server.token === null) throw new Error('not a TLS baseline')
  return { ca: server.ca, token: server.token }
}

/** A PIN from the device's test interface (spec §12.1). */
export async function testPin(url: string): Promise<string> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json' } }
  const response = await fetch(url + PATHS.testPin, { ...init, body: JSON.stringify({ v: PROTOCOL_VERSION }) })
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { pin: string }).pin
}

/** Pairs with the device at `url` through a PIN from its test interface. */
export const pairWith = async (url: string, name = 'bench'): Promise<Credentials> =>
  pair({ url, pin: await testPin(url), name })

/** RFC 6750 §2.1. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/**
 * The fetch `dispatcher` that trusts the baseline's certificate, built from the Agent class of
 * the undici bundled in Node (the one global fetch uses, whose global dispatcher exists once a
 * fetch has run), so the HTTPS baseline and the signed Pairwire client use the same fetch.
 */
export async function trustingDispatcher(ca: string): Promise<object> {
  await fetch('http://127.0.0.1:1/').catch(() => {})
  const global = (globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.1')]
  const Agent = (global as { constructor?: new (o: object) => object } | undefined)?.constructor
  if (Agent === undefined) throw new Error("cannot find the Agent of Node's fetch")
  return new Agent({ connect: { ca } })
}

/** A JSON-RPC client over a plain WebSocket: the baseline of a Pairwire session. */
export class PlainRpc {
  readonly #ws: WebSocket
  readonly #pending = new Map<number, (result: unknown) => void>()
  #nextId = 1

  private constructor(ws: WebSocket) {
    this.#ws = ws
    ws.on('message', (data) => {
      const response = JSON.parse(data.toString()) as { id: number; result: unknown }
      this.#pending.get(response.id)?.(response.result)
      this.#pending.delete(response.id)
    })
  }

  /** `tls` (the wss baseline): the certificate to trust and the bearer token to present. */
  static open(httpUrl: string, tls?: TlsBaseline): Promise<PlainRpc> {
    const options = tls === undefined ? {} : { ca: tls.ca, headers: bearer(tls.token) }
    const ws = new WebSocket(wsUrl(httpUrl), { perMessageDeflate: false, ...options })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new PlainRpc(ws)))
      ws.once('error', reject)
    })
  }

  request(method: string, params: unknown): Promise<unknown> {
    return new Promise((resolve) => {
      const id = this.#nextId++
      this.#pending.set(id, resolve)
      this.#ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#ws.once('close', () => resolve())
      this.#ws.close(1000)
    })
  }
}
