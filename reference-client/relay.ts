/**
 * The reference client through a relay (spec §15.5), Node only: every connection the client would
 * open to the device becomes one client stream `/pairwire-relay/v1/client?device_id=…`, whose
 * binary frames carry the connection's bytes (at most relayChunk each, spec §15.7). fetch runs on
 * undici with a dispatcher that connects through such streams, and the session WebSocket on `ws`
 * with one as its connection, so pairing, tickets and sessions run unchanged.
 *
 * When the relay ends a stream with one of its codes (4404 device-not-connected, 4407
 * device-gone, ...), that code is what the caller sees: as the session's close code, or as a
 * close ClientError of a request.
 */
import { Duplex } from 'node:stream'
import { Agent, fetch as undiciFetch } from 'undici'
import WebSocket, { type RawData } from 'ws'
import { isWellFormedId } from '../protocol/ids.ts'
import { relayEndpointUrl, relayedOrigin } from '../protocol/relay.ts'
import { CLOSES, PATHS, SIZES } from '../protocol/registry.ts'
import { ClientError, type CloseInfo } from './errors.ts'
import { problemFromBody, readMessage, send } from './http.ts'
import { endpoint } from './urls.ts'
import { clientFault } from './faults.ts'
import { CheckedWebSocket } from './node-websocket.ts'
import type { FetchFunction, RawSocket, SocketFactory } from './platform.ts'

/** Close codes the relay itself sends a client stream (spec §15.6); others are the stream's own. */
const RELAY_CODES: ReadonlySet<number> = new Set([
  CLOSES.deviceNotConnected.code,
  CLOSES.deviceGone.code,
  CLOSES.streamOverflow.code,
  CLOSES.idleTimeout.code,
  CLOSES.goingAway.code,
  CLOSES.malformedFrame.code,
  CLOSES.frameTooLarge.code,
])

/**
 * Relay streams whose WebSocket to the relay is not closed yet. A one-shot command that exits
 * with one of them open and the relay's bytes unread makes the kernel answer with RST, and the
 * relay may then drop the last bytes it had not read from us, e.g. the Close frame that ends the
 * session inside the stream (spec §7.9, §15.4): the device would never see it.
 */
/** Each relay stream's WebSocket of this process, with a promise of its 'close' event. */
const openStreams = new Map<WebSocket, Promise<void>>()

/** Waits, at most `ms`, until every relay stream of this process has closed its WebSocket. */
export async function settleRelayStreams(ms: number): Promise<void> {
  if (openStreams.size === 0) return
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
  await Promise.race([Promise.all(openStreams.values()), bound])
  clearTimeout(timer)
}

/** One client stream as a socket for undici and ws. */
class RelayStreamSocket extends Duplex {
  /** The relay's close of this stream, when it used one of its codes. */
  relayClose: CloseInfo | null = null
  readonly remoteAddress = 'relay'
  readonly ws: WebSocket
  private opened: Promise<void>

  constructor(url: string) {
    super({ allowHalfOpen: false })
    this.ws = new WebSocket(url, { perMessageDeflate: false })
    const ws = this.ws
    openStreams.set(ws, new Promise((resolve) => ws.once('close', () => (openStreams.delete(ws), resolve()))))
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('error', reject)
    })
    this.opened.catch(() => {})
    this.ws.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.length < 16 && chunks.push(chunk))
      response.on('end', () => {
        const problem = problemFromBody(response.statusCode ?? 0, response.headers['content-type'], Buffer.concat(chunks).toString('utf8'))
        this.destroy(ClientError.problem(problem))
      })
    })
    this.ws.on('message', (data: RawData) => {
      this.push(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data))
    })
    this.ws.on('close', (code: number, reason: Buffer) => {
      if (RELAY_CODES.has(code)) this.relayClose = { code, reason: reason.toString('utf8') }
      this.push(null)
      this.destroy()
    })
    this.ws.on('error', (error) => this.destroy(error))
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.opened.then(() => {
      for (let offset = 0; offset < chunk.length; offset += SIZES.relayChunk) {
        this.ws.send(chunk.subarray(offset, offset + SIZES.relayChunk))
      }
      callback()
    }, callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ws.close(CLOSES.normal.code, CLOSES.normal.reason)
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(CLOSES.normal.code, CLOSES.normal.reason)
    else if (this.ws.readyState === this.ws.CONNECTING) this.ws.terminate()
    callback(error)
  }

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

export interface RelayTransport {
  /** The relayed origin (spec §15.5): the `url` of the device's credentials. */
  readonly origin: string
  readonly deviceId: string
  readonly fetch: FetchFunction
  readonly socketFactory: SocketFactory
  close(): Promise<void>
}

/** Everything the client library needs to reach `deviceId` through the relay at `relayUrl`. */
export function relayTransport(relayUrl: string, deviceId: string): RelayTransport {
  if (!isWellFormedId('device', deviceId)) throw ClientError.usage('--device must be a device_id (pwd_…)')
  let streamUrl: string
  try {
    streamUrl = relayEndpointUrl(relayUrl, PATHS.relayClient, deviceId)
  } catch {
    throw ClientError.usage('the relay URL must be ws, wss, http or https')
  }
  let last: RelayStreamSocket | null = null
  const agent = new Agent({
    connect: (_options, callback) => {
      const socket = new RelayStreamSocket(streamUrl)
      last = socket
      let settled = false
      const done = (error: Error | null) => {
        if (settled) return
        settled = true
        if (error === null) callback(null, socket as never)
        else callback(error, null)
      }
      socket.ws.once('open', () => done(null))
      socket.once('error', (error) => done(error))
    },
  })
  const relayFetch: FetchFunction = async (url, init) => {
    try {
      return (await undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Response
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause
      if (cause instanceof ClientError) throw cause
      const closed = last?.relayClose
      if (closed != null) throw ClientError.closed(closed)
      throw error
    }
  }
  const socketFactory: SocketFactory = (url, refuse) => {
    const tunnel = new RelayStreamSocket(streamUrl)
    tunnel.once('error', (error) => {
      if (error instanceof ClientError) refuse(error)
    })
    // The same RFC 6455 checks as a direct session (node-websocket.ts, spec §7.9): the relay
    // carries the device's frames byte for byte (§15.4), so a framing failure is the device's.
    const validate = clientFault('close-1007-on-text')
    const ws = new CheckedWebSocket(url, { perMessageDeflate: false, skipUTF8Validation: !validate, createConnection: () => tunnel as never })
    if (!clientFault('framing-failure-as-lost-connection')) {
      ws.onFramingFailure = (why) => refuse(ClientError.verification('websocket-framing', why))
    }
    ws.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.length < 16 && chunks.push(chunk))
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        refuse(ClientError.problem(problemFromBody(response.statusCode ?? 0, response.headers['content-type'], text)))
        ws.terminate()
      })
    })
    return relayedSocket(ws, tunnel)
  }
  return {
    origin: relayedOrigin(relayUrl),
    deviceId,
    fetch: relayFetch,
    socketFactory,
    close: () => agent.close(),
  }
}

/**
 * The session's WebSocket, except that a close caused by the relay ending the stream reports the
 * relay's code (spec §15.6) instead of the bare 1006 the inner WebSocket sees.
 */
function relayedSocket(ws: WebSocket, tunnel: RelayStreamSocket): RawSocket {
  const raw = ws as unknown as RawSocket
  return {
    get binaryType() {
      return raw.binaryType
    },
    set binaryType(value: string) {
      raw.binaryType = value
    },
    send: (data) => raw.send(data),
    close: (code, reason) => raw.close(code, reason),
    addEventListener(type: string, listener: (event: never) => void) {
      if (type !== 'close') return raw.addEventListener(type as 'open', listener as () => void)
      raw.addEventListener('close', (event) => {
        const relayClose = tunnel.relayClose
        const abnormal = event.code === 1006
        ;(listener as (e: { code: number; reason: string }) => void)(abnormal && relayClose !== null ? relayClose : event)
      })
    },
  } as RawSocket
}

/**
 * Spec §15.5 pw-relay-15.5-client-checks-id: before pair/start, the device the relay reached must
 * be the one asked for. (pair() then checks device_id against device_key, §4.4.)
 */
export async function checkRelayedDevice(transport: RelayTransport): Promise<void> {
  const response = await send(transport.fetch, endpoint(transport.origin, PATHS.discovery), { method: 'GET' })
  const discovery = await readMessage(response, 'discovery', 'discovery')
  if (discovery.device_id !== transport.deviceId) {
    throw ClientError.verification('device-id', new Error('the relay reached another device than the one asked for'))
  }
}
