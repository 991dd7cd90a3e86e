/**
 * The reference device behind a relay (spec §15): hold the device's slot with a signed claim
 * (§15.3) and serve each client stream as one inbound connection to the device's own HTTP server
 * (§15.5), so discovery, pairing, tickets and sessions run unchanged. The link is re-opened with
 * exponential backoff and jitter after any loss but 4409 device-replaced (§15.3).
 *
 * A stream's socket reports remoteAddress `relay:<source tag hex>`: never loopback, so the
 * test-control interface is not served through a relay, and the per-address limits key on the
 * relay's source tag (§15.5).
 */
import type { Server } from 'node:http'
import { Duplex } from 'node:stream'
import WebSocket, { type RawData } from 'ws'
import type { CryptoBackend } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode, hexEncode } from '../../protocol/encoding.ts'
import {
  decodeRelayFrame,
  encodeRelayFrame,
  parseOpenBody,
  relayEndpointUrl,
  signClaim,
} from '../../protocol/relay.ts'
import { CLOSES, PATHS, SIZES } from '../../protocol/registry.ts'
import { validateMessage } from '../../schemas/validate.ts'
import type { Logger } from '../context.ts'

/** The remoteAddress prefix of relayed streams (spec §15.5). */
export const RELAYED_ADDRESS_PREFIX = 'relay:'

export const isRelayedAddress = (address: string): boolean => address.startsWith(RELAYED_ADDRESS_PREFIX)

/** Spec §15.3 backoff: from 0.5 s, doubling, capped. */
const FIRST_BACKOFF_MS = 500
const MAX_BACKOFF_MS = 15_000

/**
 * One relayed stream as a socket for node:http: bytes in from `data` frames, bytes out as `data`
 * frames of at most relayChunk bytes (spec §15.7). An `end` from either side closes both
 * directions and the socket (§15.4).
 */
export class RelayedSocket extends Duplex {
  readonly remoteAddress: string
  readonly remotePort = 0
  readonly remoteFamily = 'relay'
  private ended = false

  constructor(
    readonly stream: number,
    source: Uint8Array,
    private readonly send: (bytes: Uint8Array) => void,
  ) {
    super({ allowHalfOpen: true })
    this.remoteAddress = RELAYED_ADDRESS_PREFIX + hexEncode(source)
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    for (let offset = 0; offset < chunk.length; offset += SIZES.relayChunk) {
      this.send(encodeRelayFrame('data', this.stream, chunk.subarray(offset, offset + SIZES.relayChunk)))
    }
    callback()
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sendEnd()
    // Spec §15.4: `end` ends the whole stream (the relay closes the client 1000 and sends
    // nothing more), so the socket closes once its last bytes are written. Half open, it never
    // closed (node:http leaves a refused upgrade's socket paused: a pushed EOF is never read),
    // and the device counted it against the source's max_connections_per_ip forever (§10.6).
    this.once('finish', () => this.destroy())
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.sendEnd()
    callback(error)
  }

  /** The relay ended the stream: no more bytes will arrive, and none can be sent. */
  remoteEnded(): void {
    this.ended = true
    this.push(null)
    this.destroy()
  }

  private sendEnd(): void {
    if (this.ended) return
    this.ended = true
    this.send(encodeRelayFrame('end', this.stream))
  }

  // What node:http and ws call on a net.Socket; a relayed stream has no TCP options.
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback !== undefined) this.once('timeout', callback)
    return this
  }
  setNoDelay(): this {
    return this
  }
  setKeepAlive(): this {
    return this
  }
  ref(): this {
    return this
  }
  unref(): this {
    return this
  }
}

export interface RelaySlotOptions {
  relayUrl: string
  seed: Uint8Array
  deviceId: string
  log: Logger
  backend: CryptoBackend
}

export interface RelaySlot {
  /** Settles when the slot is first held (or rejects when the first claim is refused). */
  readonly held: Promise<void>
  close(): Promise<void>
}

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)

export function holdRelaySlot(server: Server, options: RelaySlotOptions): RelaySlot {
  const { log } = options
  const url = relayEndpointUrl(options.relayUrl, PATHS.relayDevice, options.deviceId)
  const host = new URL(url).host
  let stopped = false
  let backoff = FIRST_BACKOFF_MS
  let current: WebSocket | null = null
  let retry: NodeJS.Timeout | null = null
  let resolveHeld = () => {}
  let rejectHeld = (_e: Error) => {}
  const held = new Promise<void>((resolve, reject) => {
    resolveHeld = resolve
    rejectHeld = reject
  })
  held.catch(() => {})

  const connect = () => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    current = ws
    const sockets = new Map<number, RelayedSocket>()
    let state: 'challenge' | 'claimed' | 'held' = 'challenge'
    const send = (bytes: Uint8Array) => {
      if (ws.readyState === ws.OPEN) ws.send(bytes)
    }
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const frame = toBuffer(data)
      if (state === 'challenge') {
        const challenge = isBinary ? null : parseJson(frame)
        const checked = validateMessage('relay-challenge', challenge)
        if (!checked.ok) return ws.close(CLOSES.malformedFrame.code, CLOSES.malformedFrame.reason)
        const bytes = base64urlDecode(checked.value.challenge, SIZES.relayChallenge)
        const signature = signClaim(options.seed, host, bytes, options.deviceId, options.backend)
        const publicKey = options.backend.ed25519PublicKey(options.seed)
        ws.send(JSON.stringify({ v: 1, type: 'claim', device_key: base64urlEncode(publicKey), signature: base64urlEncode(signature) }))
        state = 'claimed'
        return
      }
      if (state === 'claimed') {
        const checked = validateMessage('relay-held', isBinary ? null : parseJson(frame))
        if (!checked.ok) return ws.close(CLOSES.malformedFrame.code, CLOSES.malformedFrame.reason)
        state = 'held'
        backoff = FIRST_BACKOFF_MS
        log.info('relay.held', { relay: new URL(url).origin, grace: checked.value.grace })
        resolveHeld()
        return
      }
      const decoded = isBinary ? decodeRelayFrame(frame) : null
      if (decoded === null) return ws.close(CLOSES.malformedFrame.code, CLOSES.malformedFrame.reason)
      const socket = sockets.get(decoded.stream)
      if (decoded.type === 'open') {
        const open = parseOpenBody(decoded.body)
        if (open === null || socket !== undefined) return ws.close(CLOSES.malformedFrame.code, CLOSES.malformedFrame.reason)
        // §15.4: an HTTP connection cannot resume across links (bytes may be lost in the gap).
        if (open.resumed) return send(encodeRelayFrame('end', decoded.stream))
        const relayed = new RelayedSocket(decoded.stream, open.source, send)
        sockets.set(decoded.stream, relayed)
        relayed.once('close', () => sockets.delete(decoded.stream))
        relayed.on('error', () => relayed.destroy())
        server.emit('connection', relayed)
        return
      }
      // §15.4: data or end for a stream this device has no open stream for is ignored.
      if (socket === undefined) return
      if (decoded.type === 'data') socket.push(decoded.body)
      else socket.remoteEnded()
    })
    ws.on('close', (code: number) => {
      for (const socket of sockets.values()) socket.remoteEnded()
      sockets.clear()
      if (current === ws) current = null
      if (state !== 'held' && code === CLOSES.claimRefused.code) rejectHeld(new Error('the relay refused the slot claim'))
      if (stopped) return
      if (code === CLOSES.deviceReplaced.code) {
        // §15.3: another instance holds this key; reconnecting would replace it back, forever.
        log.warn('relay.replaced', { relay: new URL(url).origin })
        return
      }
      const delay = backoff + Math.floor(Math.random() * backoff * 0.25)
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
      log.info('relay.lost', { code, retry_ms: delay })
      retry = setTimeout(connect, delay)
    })
    ws.on('error', () => {})
  }
  connect()

  return {
    held,
    async close() {
      stopped = true
      if (retry !== null) clearTimeout(retry)
      const ws = current
      if (ws === null || ws.readyState === ws.CLOSED) return
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve())
        ws.close(CLOSES.goingAway.code, CLOSES.goingAway.reason)
        setTimeout(() => (ws.terminate(), resolve()), 1000).unref()
      })
    },
  }
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    return undefined
  }
}
