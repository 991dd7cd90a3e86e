/**
 * The raw WebSocket side of the session driver (spec §7.1, §7.2): opens the session path with any
 * query, reports the pre-upgrade gate's refusal (status and problem) when the device does not
 * upgrade, and otherwise hands back a SocketObserver that records every frame, ping and the close
 * code and reason, so cases can wait for "closed with code X within T" and "nothing delivered".
 * No WebSocket extension is offered (§7.1), so a frame's size is the size of its Noise message.
 */
import { request as httpGet, type IncomingMessage } from 'node:http'
import { request as httpsGet } from 'node:https'
import type { Socket } from 'node:net'
import WebSocket from 'ws'
import { PATHS } from '../../protocol/registry.ts'
import type { CaseContext } from '../model.ts'
import { CaseFailure, fail } from '../verdicts.ts'
import { sendPaced, summarize, type HttpResponse } from './http.ts'

export interface Frame {
  readonly binary: boolean
  readonly data: Uint8Array
}

export interface Closed {
  readonly code: number
  readonly reason: string
  /** Milliseconds since the socket opened. */
  readonly afterMs: number
}

export type SocketEvent =
  | { readonly kind: 'frame'; readonly frame: Frame }
  | { readonly kind: 'close'; readonly close: Closed }
  | { readonly kind: 'timeout' }

/** Bytes of a frame shown in hex in the trace (Noise ciphertext, no secret). */
const TRACED_BYTES = 16

/** Frames larger than any Noise message are still received, so the harness can judge them. */
const RECEIVE_LIMIT = 1 << 24

/** Records what the device sends on one WebSocket; frames are consumed in order with `next`. */
export class SocketObserver {
  readonly #ws: WebSocket
  readonly #frames: Frame[] = []
  readonly #openedAt = Date.now()
  readonly #waiters = new Set<() => void>()
  #closed: Closed | undefined
  #pings = 0
  #handshakeDone = false
  /** The TCP (or TLS) connection under the WebSocket, once upgraded: sendBurst corks it. */
  #connection: Socket | undefined

  readonly #record: CaseContext['record'] | undefined

  /** `record` gets every frame and the close as an exchange with its wire trace (-v). */
  constructor(ws: WebSocket, record?: CaseContext['record']) {
    this.#ws = ws
    this.#record = record
    ws.once('upgrade', (res: IncomingMessage) => void (this.#connection = res.socket))
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.#frames.push({ binary: isBinary, data: new Uint8Array(data) })
      this.#trace('<-', isBinary, data)
      this.#wake()
    })
    ws.on('ping', () => {
      this.#pings++
      this.#wake()
    })
    ws.on('close', (code: number, reason: Buffer) => {
      this.#closed = { code, reason: reason.toString('utf8'), afterMs: Date.now() - this.#openedAt }
      const { afterMs } = this.#closed
      const step = `ws <- close ${code} ${JSON.stringify(this.#closed.reason)} after ${afterMs} ms`
      this.#record?.({ step })
      this.#wake()
    })
    // A reset socket also emits 'close' (code 1006), which is what cases judge.
    ws.on('error', () => {})
  }

  get closed(): Closed | undefined {
    return this.#closed
  }

  get pings(): number {
    return this.#pings
  }

  /** Whether the harness read a valid Noise message 2 on this socket (drivers/session.ts). */
  get handshakeDone(): boolean {
    return this.#handshakeDone
  }

  markHandshakeDone(): void {
    this.#handshakeDone = true
  }

  /** The frames received and not yet consumed, left in the queue. */
  peek(): readonly Frame[] {
    return [...this.#frames]
  }

  /** Frames received and not yet consumed. */
  get pending(): number {
    return this.#frames.length
  }

  /** The next frame in order; once none is left, the close; else 'timeout' after `timeoutMs`. */
  async next(timeoutMs: number): Promise<SocketEvent> {
    await this.#until(() => this.#frames.length > 0 || this.#closed !== undefined, timeoutMs)
    const frame = this.#frames.shift()
    if (frame !== undefined) return { kind: 'frame', frame }
    if (this.#closed !== undefined) return { kind: 'close', close: this.#closed }
    return { kind: 'timeout' }
  }

  /** Takes every frame received so far. */
  drain(): Frame[] {
    return this.#frames.splice(0)
  }

  /** Waits for the close (frames stay queued); undefined when it did not come in time. */
  async waitClose(timeoutMs: number): Promise<Closed | undefined> {
    await this.#until(() => this.#closed !== undefined, timeoutMs)
    return this.#closed
  }

  /** Waits until `count` pings in all have arrived; false on timeout or close. */
  async waitPings(count: number, timeoutMs: number): Promise<boolean> {
    await this.#until(() => this.#pings >= count || this.#closed !== undefined, timeoutMs)
    return this.#pings >= count
  }

  /** Waits `ms` and reports whether anything (a frame or the close) arrived meanwhile. */
  async quietFor(ms: number): Promise<boolean> {
    await this.#until(() => this.#frames.length > 0 || this.#closed !== undefined, ms)
    return this.#frames.length === 0 && this.#closed === undefined
  }

  /** Sends one binary frame (bytes) or text frame (string); never throws on a closed socket. */
  send(data: Uint8Array | string): Promise<void> {
    if (this.#ws.readyState !== WebSocket.OPEN) return Promise.resolve()
    this.#trace('->', typeof data !== 'string', typeof data === 'string' ? Buffer.from(data) : data)
    return new Promise((resolve) => {
      this.#ws.send(data, { binary: typeof data !== 'string' }, () => resolve())
    })
  }

  /**
   * Sends `frames` (binary) in one write to the connection, so that they reach the device
   * together, in one TCP read as far as the network keeps them together (§7.10: a device may pack
   * the answers to what one read brought). ws writes each frame itself; the cork holds them until
   * the last one is written.
   */
  sendBurst(frames: readonly Uint8Array[]): Promise<void> {
    if (this.#ws.readyState !== WebSocket.OPEN) return Promise.resolve()
    this.#connection?.cork()
    const sent = frames.map((frame) => this.send(frame))
    this.#connection?.uncork()
    return Promise.all(sent).then(() => undefined)
  }

  /** Starts the closing handshake; a byte reason is sent as it is, even when not UTF-8. */
  close(code?: number, reason?: string | Uint8Array): void {
    const data = reason instanceof Uint8Array ? Buffer.from(reason) : reason
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, data)
  }

  terminate(): void {
    this.#ws.terminate()
  }

  /** One frame as an exchange: direction, type, size, and its first bytes in hex. */
  #trace(direction: '->' | '<-', binary: boolean, data: Uint8Array): void {
    if (this.#record === undefined) return
    const type = binary ? 'binary' : 'text'
    const first = Buffer.from(data.subarray(0, TRACED_BYTES)).toString('hex')
    const more = data.byteLength > TRACED_BYTES ? '…' : ''
    this.#record({
      step: `ws ${direction} ${type} frame, ${data.byteLength} bytes`,
      trace: [`first bytes: ${first}${more}`],
    })
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }

  #until(ready: () => boolean, timeoutMs: number): Promise<void> {
    if (ready()) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#waiters.delete(check)
        resolve()
      }
      const check = () => {
        if (ready()) done()
      }
      const timer = setTimeout(done, timeoutMs)
      this.#waiters.add(check)
    })
  }
}

/** The device's answer at the pre-upgrade gate (§7.2). */
export type GateAnswer =
  | { readonly kind: 'upgraded'; readonly socket: SocketObserver }
  | { readonly kind: 'refused'; readonly response: HttpResponse }

/** The ws:// or wss:// URL of the session path for `query` (e.g. "?ticket=…"), §7.1. */
export function sessionUrl(ctx: Pick<CaseContext, 'target'>, query: string): string {
  const url = new URL(PATHS.websocket + query, ctx.target.url)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}

function readResponse(res: IncomingMessage): Promise<HttpResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    res.on('data', (chunk: Buffer) => chunks.push(chunk))
    res.on('error', () => resolve(toResponse(res, chunks)))
    res.on('end', () => resolve(toResponse(res, chunks)))
  })
}

function toResponse(res: IncomingMessage, chunks: Buffer[]): HttpResponse {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  const bodyText = Buffer.concat(chunks).toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(bodyText) as unknown
  } catch {
    json = undefined
  }
  return { status: res.statusCode ?? 0, headers, bodyText, json }
}

/** What a report may show of a query: a ticket is a bearer secret until used. */
function redactQuery(query: string): string {
  return query.replace(/ticket=[^&]*/g, (m) => (m.length > 'ticket='.length ? 'ticket=<…>' : m))
}

const definedHeaders = (headers: Readonly<Record<string, string | undefined>>) =>
  Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined))

type SocketOptions = {
  autoPong?: boolean
  step?: string
  expected?: unknown
  /** Header fields of the opening handshake: the signature fields of a signed upgrade (§7.2). */
  headers?: Readonly<Record<string, string | undefined>>
}

/**
 * Opens the session path with `query`. Resolves with the socket when the device upgrades, or its
 * problem answer when it refuses; a network error or timeout fails the case. Paced and sent
 * again after a 429 rate-limited like every HTTP request (drivers/http.ts).
 */
export function openSocket(
  ctx: CaseContext,
  query: string,
  options: SocketOptions = {},
): Promise<GateAnswer> {
  const send = () => openSocketOnce(ctx, query, options)
  return sendPaced(ctx, send, (answer) => (answer.kind === 'refused' ? answer.response : undefined))
}

function openSocketOnce(
  ctx: CaseContext,
  query: string,
  options: SocketOptions,
): Promise<GateAnswer> {
  const step = options.step ?? `GET ${PATHS.websocket} (upgrade)`
  const sent = { method: 'GET', path: PATHS.websocket + redactQuery(query) }
  const ws = new WebSocket(sessionUrl(ctx, query), {
    perMessageDeflate: false,
    autoPong: options.autoPong ?? true,
    maxPayload: RECEIVE_LIMIT,
    handshakeTimeout: ctx.timeoutMs,
    ...(options.headers === undefined ? {} : { headers: definedHeaders(options.headers) }),
  })
  ctx.defer(() => ws.terminate())
  return new Promise((resolve, reject) => {
    // Once the gate answered, later socket errors (e.g. from terminate) are not the answer.
    let answered = false
    const answer = (actual: unknown): boolean => {
      if (answered) return false
      answered = true
      ctx.record({ step, sent, expected: options.expected, actual })
      return true
    }
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      answered = true
      void readResponse(res).then((response) => {
        ctx.record({ step, sent, expected: options.expected, actual: summarize(response) })
        ws.terminate()
        resolve({ kind: 'refused', response })
      })
    })
    const socket = new SocketObserver(ws, (e) => ctx.record(e))
    ws.once('open', () => {
      if (answer({ status: 101 })) resolve({ kind: 'upgraded', socket })
    })
    ws.once('error', (error: Error) => {
      const actual = `no answer: ${error.message}`
      if (answer(actual)) {
        reject(new CaseFailure(fail(`${step}: the device did not answer`, 'an HTTP answer', actual)))
      }
    })
  })
}

/**
 * A hand-written upgrade request (for gate checks a WebSocket library will not send, such as a
 * wrong Sec-WebSocket-Version): resolves with the HTTP answer, or 'upgraded' on a 101.
 */
export function rawUpgradeRequest(
  ctx: CaseContext,
  query: string,
  headers: Readonly<Record<string, string>>,
  step: string,
): Promise<HttpResponse | 'upgraded'> {
  const send = () => rawUpgradeOnce(ctx, query, headers, step)
  return sendPaced(ctx, send, (answer) => (answer === 'upgraded' ? undefined : answer))
}

function rawUpgradeOnce(
  ctx: CaseContext,
  query: string,
  headers: Readonly<Record<string, string>>,
  step: string,
): Promise<HttpResponse | 'upgraded'> {
  const url = new URL(PATHS.websocket + query, ctx.target.url)
  const get = url.protocol === 'https:' ? httpsGet : httpGet
  const sent = { method: 'GET', path: PATHS.websocket + redactQuery(query), headers }
  return new Promise((resolve, reject) => {
    const req = get(url, { headers, timeout: ctx.timeoutMs })
    req.on('upgrade', (_res, socket) => {
      socket.destroy()
      ctx.record({ step, sent, actual: { status: 101 } })
      resolve('upgraded')
    })
    req.on('response', (res) => {
      void readResponse(res).then((response) => {
        ctx.record({ step, sent, actual: summarize(response) })
        resolve(response)
      })
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ctx.timeoutMs} ms`)))
    req.on('error', (error) => {
      ctx.record({ step, sent, actual: `no answer: ${error.message}` })
      reject(new CaseFailure(fail(`${step}: the device did not answer`, 'an HTTP answer', error.message)))
    })
    req.end()
  })
}
