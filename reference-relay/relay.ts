/**
 * createRelay: the reference Pairwire relay (spec §15) on one node:http server. Every upgrade goes
 * through the gate of §15.2 before ws sees it; a device link claims its slot with a signed
 * challenge (§15.3); client streams are multiplexed on the slot's link as open/data/end frames
 * (§15.4), wait for a device or outlive a lost link for the grace window, and are closed with the
 * registered code of each ending (§15.6). It logs ids, codes and counts only (§15.9).
 *
 * One process, one node: several nodes would be put behind a load balancer routing by device_id
 * (§15.10 arrangement 1), which needs nothing from this code.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex, Writable } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../protocol/encoding.ts'
import { isWellFormedId } from '../protocol/ids.ts'
import {
  decodeRelayFrame,
  encodeRelayFrame,
  openBody,
  sourceTag,
  verifyClaim,
} from '../protocol/relay.ts'
import {
  CLOSES,
  PATHS,
  PROBLEMS,
  RELAY_LIMIT_DEFAULTS,
  SIZES,
  type CloseEntry,
  type ProblemEntry,
  type RelayLimits,
} from '../protocol/registry.ts'
import { validateMessage } from '../schemas/validate.ts'
import type { Logger } from '../reference-server/context.ts'
import { createLogger } from '../reference-server/logs.ts'
import { rejectUpgrade, sendProblem } from '../reference-server/problem.ts'
import { guardMessageLength } from '../reference-server/session/frame-guard.ts'
import type { RelayFaultName } from './faults.ts'

export interface RelayOptions {
  host: string
  /** 0 picks a free port. */
  port: number
  limits?: Partial<RelayLimits>
  faults?: RelayFaultName[]
  /** Where the JSON log lines go; default stderr. */
  logStream?: Writable
}

export interface Relay {
  readonly url: string
  readonly limits: RelayLimits
  close(): Promise<void>
}

const WEBSOCKET_VERSION = '13'
const WEBSOCKET_KEY = /^[A-Za-z0-9+/]{22}==$/
/** Spec §15.2: Retry-After of a relay-ip-limit answer, seconds. */
const IP_LIMIT_RETRY_AFTER = 1

/** Spec §15.7 ranges the reference relay accepts for each limit, [min, max]. */
const LIMIT_RANGES: Record<keyof RelayLimits, readonly [number, number]> = {
  grace: [1, 3600],
  claim_timeout: [1, 600],
  idle_timeout: [1, 86_400],
  ping_interval: [1, 600],
  max_frame: [SIZES.relayChunk, 16_777_216],
  max_stream_buffer: [SIZES.relayChunk, 1 << 30],
  max_streams_per_device: [1, 1_000_000],
  max_slots: [1, 10_000_000],
  max_connections_per_ip: [1, 10_000_000],
}

export function resolveRelayLimits(overrides: Partial<RelayLimits> = {}): RelayLimits {
  const limits: RelayLimits = { ...RELAY_LIMIT_DEFAULTS }
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(LIMIT_RANGES, name)) throw new RangeError(`unknown relay limit ${name}`)
    const [min, max] = LIMIT_RANGES[name as keyof RelayLimits]
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`relay limit ${name} must be an integer in ${min}..${max}`)
    }
    limits[name as keyof RelayLimits] = value
  }
  return limits
}

type StreamState = 'waiting' | 'attached' | 'lost'

interface Stream {
  readonly id: number
  readonly ws: WebSocket
  readonly source: Uint8Array
  readonly slot: Slot
  state: StreamState
  /** The link this stream is open on while attached. */
  link: Link | null
  /** Client frames not yet forwarded, and their byte count (spec §15.6). */
  queue: Buffer[]
  queued: number
  /** The 4404 or 4407 deadline while waiting or lost. */
  deadline: NodeJS.Timeout | null
  idle: NodeJS.Timeout | null
  /** Set once the relay has sent `open` for this stream on some link: resumed on the next one. */
  everOpened: boolean
  bytesIn: number
  bytesOut: number
}

interface Link {
  readonly ws: WebSocket
  readonly deviceId: string
  held: boolean
  replaced: boolean
  alive: boolean
  /** Every stream id the relay sent `open` for on this link (spec §15.4). */
  readonly opened: Set<number>
}

interface Slot {
  readonly deviceId: string
  link: Link | null
  /** Every stream of this device_id: waiting, attached or lost. */
  readonly streams: Map<number, Stream>
  grace: NodeJS.Timeout | null
  nextStreamId: number
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

const hasToken = (header: string | undefined, token: string) =>
  header?.split(',').some((value) => value.trim().toLowerCase() === token) === true

function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key']
  return (
    hasToken(req.headers.upgrade, 'websocket') &&
    typeof key === 'string' &&
    WEBSOCKET_KEY.test(key) &&
    req.headers['sec-websocket-version'] === WEBSOCKET_VERSION
  )
}

function pathAndQuery(target: string): { path: string; query: URLSearchParams } {
  const cut = target.indexOf('?')
  if (cut === -1) return { path: target, query: new URLSearchParams() }
  return { path: target.slice(0, cut), query: new URLSearchParams(target.slice(cut + 1)) }
}

const RELAY_PATHS: readonly string[] = [PATHS.relayDevice, PATHS.relayClient]

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)

export async function createRelay(options: RelayOptions): Promise<Relay> {
  const limits = resolveRelayLimits(options.limits)
  const faults = new Set(options.faults ?? [])
  const log: Logger = createLogger(options.logStream)
  const tagKey = randomBytes(32)
  const slots = new Map<string, Slot>()
  const perIp = new Map<string, number>()
  const everHeld = new Set<string>()
  const links = new Set<Link>()
  const clients = new Set<WebSocket>()
  let closing = false

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    // Device links carry a 5-byte header on top of a client frame (spec §15.4).
    maxPayload: limits.max_frame + SIZES.relayFrameHeader,
    skipUTF8Validation: true,
  })

  const slotOf = (deviceId: string): Slot => {
    let slot = slots.get(deviceId)
    if (slot === undefined) {
      slot = { deviceId, link: null, streams: new Map(), grace: null, nextStreamId: 1 }
      slots.set(deviceId, slot)
    }
    return slot
  }
  const isHeld = (slot: Slot | undefined) => slot !== undefined && (slot.link !== null || slot.grace !== null)
  const heldSlots = () => [...slots.values()].filter(isHeld).length
  const forget = (slot: Slot) => {
    if (slot.link === null && slot.grace === null && slot.streams.size === 0) slots.delete(slot.deviceId)
  }

  const closeWith = (ws: WebSocket, entry: CloseEntry) => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(entry.code, entry.reason)
  }

  // ---- streams ----

  const sendToLink = (link: Link, bytes: Uint8Array) => {
    if (link.ws.readyState === link.ws.OPEN) link.ws.send(bytes)
  }

  const touch = (stream: Stream) => {
    if (stream.idle !== null) clearTimeout(stream.idle)
    stream.idle = setTimeout(() => endStream(stream, CLOSES.idleTimeout, true), limits.idle_timeout * 1000)
  }

  /** Closes the client with `entry`; tells the link with `end` when it carried the stream. */
  const endStream = (stream: Stream, entry: CloseEntry | null, tellLink: boolean) => {
    if (!stream.slot.streams.has(stream.id)) return
    stream.slot.streams.delete(stream.id)
    if (stream.deadline !== null) clearTimeout(stream.deadline)
    if (stream.idle !== null) clearTimeout(stream.idle)
    if (tellLink && stream.state === 'attached' && stream.link !== null) {
      sendToLink(stream.link, encodeRelayFrame('end', stream.id))
    }
    if (entry !== null) closeWith(stream.ws, entry)
    log.info('relay.stream-closed', {
      device_id: stream.slot.deviceId,
      stream: stream.id,
      code: entry?.code ?? null,
      bytes_in: stream.bytesIn,
      bytes_out: stream.bytesOut,
    })
    forget(stream.slot)
  }

  const attach = (stream: Stream, link: Link) => {
    if (stream.deadline !== null) clearTimeout(stream.deadline)
    stream.deadline = null
    const resumed = stream.everOpened
    stream.state = 'attached'
    stream.link = link
    stream.everOpened = true
    link.opened.add(stream.id)
    sendToLink(link, encodeRelayFrame('open', stream.id, openBody(resumed, stream.source)))
    const queue = faults.has('relay-drop-queued') ? [] : stream.queue
    for (const frame of queue) sendToLink(link, encodeRelayFrame('data', stream.id, frame))
    stream.queue = []
    stream.queued = 0
  }

  const enqueue = (stream: Stream, frame: Buffer) => {
    if (stream.queued + frame.length > limits.max_stream_buffer) {
      endStream(stream, CLOSES.streamOverflow, false)
      return
    }
    stream.queue.push(frame)
    stream.queued += frame.length
  }

  /** The previous client frame, held back one frame by fault relay-reorder-frames. */
  const heldBack = new WeakMap<Stream, Buffer>()

  const forwardFromClient = (stream: Stream, frame: Buffer) => {
    stream.bytesIn += frame.length
    touch(stream)
    if (stream.state !== 'attached' || stream.link === null) return enqueue(stream, frame)
    if (faults.has('relay-reorder-frames')) {
      const previous = heldBack.get(stream)
      if (previous === undefined) {
        heldBack.set(stream, frame)
        setTimeout(() => {
          const still = heldBack.get(stream)
          if (still === frame && stream.link !== null) {
            heldBack.delete(stream)
            sendToLink(stream.link, encodeRelayFrame('data', stream.id, frame))
          }
        }, 20)
        return
      }
      heldBack.delete(stream)
      sendToLink(stream.link, encodeRelayFrame('data', stream.id, frame))
      sendToLink(stream.link, encodeRelayFrame('data', stream.id, previous))
      return
    }
    sendToLink(stream.link, encodeRelayFrame('data', stream.id, frame))
  }

  const startStream = (ws: WebSocket, req: IncomingMessage, deviceId: string) => {
    const slot = slotOf(deviceId)
    const id = slot.nextStreamId++
    const address = req.socket.remoteAddress ?? ''
    const stream: Stream = {
      id,
      ws,
      source: sourceTag(tagKey, address, defaultBackend),
      slot,
      state: 'waiting',
      link: null,
      queue: [],
      queued: 0,
      deadline: null,
      idle: null,
      everOpened: false,
      bytesIn: 0,
      bytesOut: 0,
    }
    slot.streams.set(id, stream)
    log.info('relay.stream-opened', { device_id: deviceId, stream: id, remote: address })
    touch(stream)
    ws.on('message', (data, isBinary) => {
      const frame = toBuffer(data)
      if (!isBinary || frame.length === 0) return endStream(stream, CLOSES.malformedFrame, true)
      forwardFromClient(stream, frame)
    })
    ws.on('close', () => endStream(stream, null, true))
    ws.on('error', () => ws.terminate())
    guardMessageLength(req.socket, limits.max_frame, () => endStream(stream, CLOSES.frameTooLarge, true))
    if (slot.link !== null && slot.link.held) return attach(stream, slot.link)
    const immediate = faults.has('relay-unknown-id-at-once') && !everHeld.has(deviceId)
    stream.deadline = setTimeout(
      () => endStream(stream, CLOSES.deviceNotConnected, false),
      immediate ? 0 : limits.grace * 1000,
    )
  }

  // ---- device links ----

  const loseLink = (link: Link) => {
    const slot = slots.get(link.deviceId)
    if (slot === undefined || slot.link !== link) return
    slot.link = null
    log.info('relay.slot-lost', { device_id: link.deviceId })
    for (const stream of slot.streams.values()) {
      if (stream.link !== link) continue
      stream.state = 'lost'
      stream.link = null
    }
    slot.grace = setTimeout(() => {
      slot.grace = null
      const expiry = faults.has('relay-grace-expiry-normal') ? CLOSES.normal : CLOSES.deviceGone
      for (const stream of [...slot.streams.values()]) {
        if (stream.state === 'lost') endStream(stream, expiry, false)
      }
      forget(slot)
    }, limits.grace * 1000)
  }

  const hold = (link: Link) => {
    const slot = slotOf(link.deviceId)
    const older = slot.link
    if (older !== null && faults.has('relay-keep-older-link')) {
      closeWith(link.ws, CLOSES.deviceReplaced)
      return
    }
    link.held = true
    everHeld.add(link.deviceId)
    slot.link = link
    if (slot.grace !== null) clearTimeout(slot.grace)
    slot.grace = null
    link.ws.send(JSON.stringify({
      v: 1,
      type: 'held',
      grace: limits.grace,
      max_frame: limits.max_frame,
      max_streams_per_device: limits.max_streams_per_device,
    }))
    if (older !== null) {
      older.replaced = true
      closeWith(older.ws, CLOSES.deviceReplaced)
      log.info('relay.slot-replaced', { device_id: link.deviceId })
    } else {
      log.info('relay.slot-held', { device_id: link.deviceId })
    }
    for (const stream of slot.streams.values()) attach(stream, link)
  }

  const onLinkFrame = (link: Link, frame: Buffer, isBinary: boolean) => {
    const decoded = isBinary ? decodeRelayFrame(frame) : null
    const known = decoded !== null && link.opened.has(decoded.stream)
    const badData = decoded?.type === 'data' && (decoded.body.length === 0 || decoded.body.length > limits.max_frame)
    if (decoded === null || decoded.type === 'open' || !known || badData) {
      return closeWith(link.ws, CLOSES.malformedFrame)
    }
    const stream = slots.get(link.deviceId)?.streams.get(decoded.stream)
    // A stream the client already ended: its id was opened on this link, so the frame is late.
    if (stream === undefined || stream.link !== link) return
    if (decoded.type === 'end') return endStream(stream, CLOSES.normal, false)
    stream.bytesOut += decoded.body.length
    touch(stream)
    if (stream.ws.readyState === stream.ws.OPEN) stream.ws.send(decoded.body)
  }

  const onClaim = (link: Link, frame: Buffer, isBinary: boolean, host: string, challenge: Uint8Array) => {
    let claim: unknown
    try {
      claim = isBinary ? undefined : JSON.parse(frame.toString('utf8'))
    } catch {
      claim = undefined
    }
    const checked = validateMessage('relay-claim', claim)
    if (!checked.ok) return closeWith(link.ws, CLOSES.claimRefused)
    const key = base64urlDecode(checked.value.device_key, SIZES.ed25519PublicKey)
    const signature = base64urlDecode(checked.value.signature, SIZES.ed25519Signature)
    let verdict = verifyClaim(key, signature, host, challenge, link.deviceId, defaultBackend)
    if (faults.has('relay-skip-claim-signature') && verdict === 'bad-signature') verdict = 'ok'
    if (verdict !== 'ok') {
      log.info('relay.claim-refused', { device_id: link.deviceId, reason: verdict })
      return closeWith(link.ws, CLOSES.claimRefused)
    }
    hold(link)
  }

  const startLink = (ws: WebSocket, req: IncomingMessage, deviceId: string) => {
    const link: Link = { ws, deviceId, held: false, replaced: false, alive: true, opened: new Set() }
    links.add(link)
    const host = req.headers.host ?? ''
    const challenge = randomBytes(SIZES.relayChallenge)
    ws.send(JSON.stringify({ v: 1, type: 'challenge', challenge: base64urlEncode(challenge) }))
    let claimed = false
    const claimTimer = setTimeout(() => closeWith(ws, CLOSES.claimTimeout), limits.claim_timeout * 1000)
    // §15.4: a data body over max_frame closes the link before it is buffered.
    guardMessageLength(req.socket, limits.max_frame + SIZES.relayFrameHeader, () => closeWith(ws, CLOSES.malformedFrame))
    ws.on('message', (data, isBinary) => {
      link.alive = true
      const frame = toBuffer(data)
      if (!claimed) {
        claimed = true
        clearTimeout(claimTimer)
        return onClaim(link, frame, isBinary, host, challenge)
      }
      if (!link.held) return
      onLinkFrame(link, frame, isBinary)
    })
    ws.on('pong', () => (link.alive = true))
    const ping = setInterval(() => {
      if (!link.alive) return closeWith(ws, CLOSES.idleTimeout)
      link.alive = false
      ws.ping()
    }, limits.ping_interval * 1000)
    ws.on('close', () => {
      clearTimeout(claimTimer)
      clearInterval(ping)
      links.delete(link)
      if (link.held && !link.replaced) loseLink(link)
    })
    ws.on('error', () => ws.terminate())
  }

  // ---- the gate (spec §15.2) ----

  const refuse = (socket: Duplex, entry: ProblemEntry, req: IncomingMessage) => {
    const query = pathAndQuery(req.url ?? '').query.toString()
    const extras = faults.has('relay-echo-query') && query !== '' ? { detail: `refused ${query}` } : {}
    const retryAfter = entry === PROBLEMS.relayIpLimit ? IP_LIMIT_RETRY_AFTER : undefined
    // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
    const headers = entry === PROBLEMS.upgradeRequired ? { upgrade: 'websocket', 'sec-websocket-version': WEBSOCKET_VERSION } : undefined
    rejectUpgrade(socket, entry, {
      extras,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      ...(headers === undefined ? {} : { headers }),
    })
    log.info('relay.refused', { problem: entry.name, remote: req.socket.remoteAddress ?? '' })
  }

  const gate = (req: IncomingMessage): ProblemEntry | { deviceId: string; device: boolean } => {
    const { path, query } = pathAndQuery(req.url ?? '')
    if (!RELAY_PATHS.includes(path)) return PROBLEMS.notFound
    if (req.method !== 'GET') return PROBLEMS.methodNotAllowed
    if (!isWebSocketUpgrade(req)) return PROBLEMS.upgradeRequired
    const address = req.socket.remoteAddress ?? ''
    if (!faults.has('relay-no-ip-cap') && (perIp.get(address) ?? 0) >= limits.max_connections_per_ip) {
      return PROBLEMS.relayIpLimit
    }
    const ids = query.getAll('device_id')
    const wellFormed = ids.length === 1 && isWellFormedId('device', ids[0])
    if (!wellFormed && !faults.has('relay-upgrade-malformed-id')) return PROBLEMS.malformedRequest
    const deviceId = ids[0] ?? ''
    const device = path === PATHS.relayDevice
    if (!device) {
      const streams = slots.get(deviceId)?.streams.size ?? 0
      if (!faults.has('relay-no-stream-cap') && streams >= limits.max_streams_per_device) {
        return PROBLEMS.relayStreamLimit
      }
    } else if (heldSlots() >= limits.max_slots && !isHeld(slots.get(deviceId))) {
      return PROBLEMS.relaySlotLimit
    }
    return { deviceId, device }
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    if (closing) return void socket.destroy()
    const verdict = gate(req)
    if ('status' in verdict) return refuse(socket, verdict, req)
    const address = req.socket.remoteAddress ?? ''
    perIp.set(address, (perIp.get(address) ?? 0) + 1)
    const release = () => {
      const left = (perIp.get(address) ?? 1) - 1
      if (left <= 0) perIp.delete(address)
      else perIp.set(address, left)
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.once('close', release)
      if (!isWellFormedId('device', verdict.deviceId)) {
        // Fault relay-upgrade-malformed-id: upgraded, then refused.
        return closeWith(ws, CLOSES.malformedFrame)
      }
      if (verdict.device) {
        startLink(ws, req, verdict.deviceId)
      } else {
        clients.add(ws)
        ws.once('close', () => clients.delete(ws))
        startStream(ws, req, verdict.deviceId)
      }
    })
  }

  const server = createServer({ requireHostHeader: false }, (req, res) => {
    const { path } = pathAndQuery(req.url ?? '')
    if (!RELAY_PATHS.includes(path)) return sendProblem(res, PROBLEMS.notFound)
    if (req.method !== 'GET') return sendProblem(res, PROBLEMS.methodNotAllowed)
    sendProblem(res, PROBLEMS.upgradeRequired, { headers: { upgrade: 'websocket' } })
  })
  server.on('upgrade', onUpgrade)
  // Spec §2.9 as for devices: an unparsable or oversized request gets a problem, not a bare 400/431.
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) rejectUpgrade(socket, PROBLEMS.malformedRequest)
    else socket.destroy()
  })
  const port = await listen(server, options.host, options.port)
  const bracketed = options.host.includes(':') ? `[${options.host}]` : options.host
  log.info('relay.listening', { host: options.host, port })

  return {
    url: `ws://${bracketed}:${port}`,
    limits,
    async close() {
      if (closing) return
      closing = true
      for (const slot of slots.values()) {
        if (slot.grace !== null) clearTimeout(slot.grace)
        for (const stream of [...slot.streams.values()]) endStream(stream, CLOSES.goingAway, false)
      }
      for (const link of links) closeWith(link.ws, CLOSES.goingAway)
      for (const ws of clients) closeWith(ws, CLOSES.goingAway)
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      setTimeout(() => {
        for (const link of links) link.ws.terminate()
      }, 500).unref()
      await closed
      log.info('relay.closed', {})
    },
  }
}
