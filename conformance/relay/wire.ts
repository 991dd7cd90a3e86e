/**
 * The harness's two roles against a relay under test (spec §15): a device that holds a slot with a
 * fresh Ed25519 key (§15.3) and reads its stream frames (§15.4), and a client that opens a stream
 * by device_id. Plus a raw upgrade for the gate of §15.2, which must answer before any 101.
 * Everything waits with a deadline; nothing here throws on a misbehaving relay except
 * CaseFailure, so a case always gets a verdict.
 */
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import WebSocket, { type RawData } from 'ws'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../../protocol/encoding.ts'
import { deviceIdOf } from '../../protocol/ids.ts'
import {
  decodeRelayFrame,
  encodeRelayFrame,
  parseOpenBody,
  relayEndpointUrl,
  signClaim,
  type RelayFrame,
} from '../../protocol/relay.ts'
import { PATHS, SIZES } from '../../protocol/registry.ts'
import { validateMessage, type Message } from '../../schemas/validate.ts'
import { failCase } from '../verdicts.ts'

export interface Closed {
  readonly code: number
  readonly reason: string
  /** ms since the socket was created. */
  readonly afterMs: number
}

export const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)

/** A WebSocket with a message queue and a close promise. */
export class Socket {
  readonly ws: WebSocket
  readonly created = Date.now()
  readonly closed: Promise<Closed>
  readonly opened: Promise<boolean>
  /** Set when the upgrade was answered with an HTTP status instead of 101. */
  refusedStatus: number | null = null
  private readonly queue: { data: Buffer; binary: boolean }[] = []
  private waiter: (() => void) | null = null

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, ...options })
    this.ws.on('message', (data, binary) => {
      this.queue.push({ data: toBuffer(data), binary })
      this.waiter?.()
    })
    this.ws.on('unexpected-response', (_req, res) => {
      this.refusedStatus = res.statusCode ?? 0
      res.resume()
      this.ws.terminate()
    })
    this.ws.on('error', () => {})
    this.opened = new Promise((resolve) => {
      this.ws.once('open', () => resolve(true))
      this.ws.once('close', () => resolve(false))
    })
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.waiter?.()
        resolve({ code, reason: reason.toString('utf8'), afterMs: Date.now() - this.created })
      })
    })
  }

  get isClosed(): boolean {
    return this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING
  }

  /** The next message, or null when the socket closes or `ms` pass first. */
  async next(ms: number): Promise<{ data: Buffer; binary: boolean } | null> {
    const deadline = Date.now() + ms
    while (this.queue.length === 0) {
      if (this.ws.readyState === WebSocket.CLOSED) return null
      const left = deadline - Date.now()
      if (left <= 0) return null
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => (clearTimeout(timer), resolve())
      })
      this.waiter = null
    }
    return this.queue.shift()!
  }

  /** Everything received so far, without waiting. */
  drain(): { data: Buffer; binary: boolean }[] {
    return this.queue.splice(0)
  }

  send(data: Uint8Array | string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data)
  }

  /** The close, or null when the socket is still open after `ms`. */
  closedWithin(ms: number): Promise<Closed | null> {
    return Promise.race([this.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))])
  }

  terminate(): void {
    this.ws.terminate()
  }
}

export interface DeviceKey {
  readonly seed: Uint8Array
  readonly publicKey: Uint8Array
  readonly deviceId: string
}

export function freshDevice(): DeviceKey {
  const seed = randomBytes(32)
  const publicKey = defaultBackend.ed25519PublicKey(seed)
  return { seed, publicKey, deviceId: deviceIdOf(publicKey, defaultBackend) }
}

/** A device_id no device of this run holds: the id of a fresh key nobody claims. */
export const unknownDeviceId = (): string => freshDevice().deviceId

/** A harness device link: challenge read, claim sent; `held` is the relay-held message or null. */
export class DeviceLink {
  readonly socket: Socket
  challenge: Message<'relay-challenge'> | null = null
  held: Message<'relay-held'> | null = null

  private constructor(readonly relayUrl: string, readonly key: DeviceKey) {
    this.socket = new Socket(relayEndpointUrl(relayUrl, PATHS.relayDevice, key.deviceId))
  }

  /** Opens the link and reads the challenge (fails the case when there is none). */
  static async open(relayUrl: string, key: DeviceKey, timeoutMs: number): Promise<DeviceLink> {
    const link = new DeviceLink(relayUrl, key)
    if (!(await link.socket.opened)) failCase('the device endpoint did not upgrade', 101, link.socket.refusedStatus)
    const first = await link.socket.next(timeoutMs)
    const parsed = first !== null && !first.binary ? parseJson(first.data) : undefined
    const checked = validateMessage('relay-challenge', parsed)
    if (!checked.ok) failCase('the relay sent no valid relay-challenge first (spec §15.3)', 'relay-challenge', first?.data.toString('utf8') ?? 'nothing')
    link.challenge = checked.value
    return link
  }

  /** The claim message signed over `host` (default: the Host this link sent). */
  claim(options: { host?: string; seed?: Uint8Array; publicKey?: Uint8Array; signature?: Uint8Array } = {}): string {
    const host = options.host ?? new URL(this.socket.ws.url).host
    const challenge = base64urlDecode(this.challenge!.challenge, SIZES.relayChallenge)
    const signature = options.signature ?? signClaim(options.seed ?? this.key.seed, host, challenge, this.key.deviceId, defaultBackend)
    return JSON.stringify({ v: 1, type: 'claim', device_key: base64urlEncode(options.publicKey ?? this.key.publicKey), signature: base64urlEncode(signature) })
  }

  /** Opens a link, claims, and requires `held` (spec §15.3 step 5). */
  static async hold(relayUrl: string, key: DeviceKey, timeoutMs: number): Promise<DeviceLink> {
    const link = await DeviceLink.open(relayUrl, key, timeoutMs)
    link.socket.send(link.claim())
    const answer = await link.socket.next(timeoutMs)
    const checked = validateMessage('relay-held', answer !== null && !answer.binary ? parseJson(answer.data) : undefined)
    if (!checked.ok) failCase('a valid claim was not answered with relay-held (spec §15.3)', 'relay-held', answer?.data.toString('utf8') ?? (await link.socket.closedWithin(10)) ?? 'nothing')
    link.held = checked.value
    return link
  }

  /** The next stream frame, or null; a text frame or an undecodable one fails the case. */
  async frame(ms: number): Promise<RelayFrame | null> {
    const message = await this.socket.next(ms)
    if (message === null) return null
    const frame = message.binary ? decodeRelayFrame(message.data) : null
    if (frame === null) failCase('the relay sent a device link frame that is not a stream frame (spec §15.4)', 'type || stream || body', message.data.subarray(0, 32).toString('hex'))
    return frame
  }

  /** Waits for `open` of a new stream; returns its id and open body. */
  async expectOpen(ms: number, what: string): Promise<{ stream: number; resumed: boolean; source: Uint8Array }> {
    const frame = await this.frame(ms)
    const body = frame?.type === 'open' ? parseOpenBody(frame.body) : null
    if (frame === null || body === null) failCase(`${what}: the device got no valid open (spec §15.4)`, 'open', frame === null ? 'nothing' : frame.type)
    return { stream: frame.stream, ...body }
  }

  sendData(stream: number, body: Uint8Array): void {
    this.socket.send(encodeRelayFrame('data', stream, body))
  }

  sendEnd(stream: number): void {
    this.socket.send(encodeRelayFrame('end', stream))
  }
}

/** A harness client stream to `deviceId`. */
export function clientStream(relayUrl: string, deviceId: string): Socket {
  return new Socket(relayEndpointUrl(relayUrl, PATHS.relayClient, deviceId))
}

export interface RawAnswer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/**
 * One HTTP request on its own connection, upgrade headers or not, answered with a status (a 101
 * is reported as such and the connection destroyed).
 */
export function rawRequest(
  relayUrl: string,
  target: string,
  options: { method?: string; upgrade?: boolean; headers?: Record<string, string> } = {},
  timeoutMs = 5000,
): Promise<RawAnswer> {
  const origin = new URL(relayUrl)
  const headers: Record<string, string> = options.upgrade === false ? {} : {
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': randomBytes(16).toString('base64'),
  }
  return new Promise((resolve) => {
    const req = request({
      host: origin.hostname,
      port: origin.port,
      method: options.method ?? 'GET',
      path: target,
      headers: { ...headers, ...options.headers },
      timeout: timeoutMs,
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve({ status: 101, headers: res.headers, body: '' })
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve({ status: 0, headers: {}, body: '' }))
    req.end()
  })
}

export function parseJson(bytes: Buffer | string): unknown {
  try {
    return JSON.parse(bytes.toString())
  } catch {
    return undefined
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
