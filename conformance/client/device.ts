/**
 * The device the harness plays in client mode (spec §14.2): discovery (§4), pairing as party B
 * (§5.7, §5.8), tickets (§6), the session gate, the Noise responder and transport frames (§7),
 * signed requests (§8.7, §8.9) and unpairing (§9.2), on loopback, built from protocol/ only. A
 * DeviceScript makes it misbehave in one chosen way (a wrong share or MAC, a tampered handshake
 * message, replayed, reordered, truncated or bit-flipped frames, a close code, a problem answer,
 * an oversized document, a skewed Date), or answer a json_seq offer and pack its answer (§7.10).
 * Everything the client sends is recorded in `log`, so a case can judge what the client did on
 * the wire, not only what its adapter printed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode, utf8Decode, utf8Encode } from '../../protocol/encoding.ts'
import { isProtocolError } from '../../protocol/errors.ts'
import { isPacked, packTexts, splitPacked } from '../../protocol/json-seq.ts'
import {
  checkSignatureTime,
  parseSignedRequest,
  requestHmacKey,
  verifyParsedSignature,
} from '../../protocol/httpsig/index.ts'
import { clientIdOf, deviceIdOf } from '../../protocol/ids.ts'
import { HandshakeState, NoiseTransport, sessionPrologue } from '../../protocol/noise/index.ts'
import { lowOrderMessage2 } from '../drivers/session.ts'
import {
  CLOSES,
  LABELS,
  LIMIT_DEFAULTS,
  PATHS,
  PROBLEMS,
  PROTOCOL_VERSION,
  SIGNATURE_FAILURE_PROBLEMS,
  SIZES,
  problemType,
  type CloseEntry,
  type ProblemEntry,
} from '../../protocol/registry.ts'
import {
  confirmDevicePairing,
  generatePin,
  respondDevicePairing,
  type DevicePairingState,
} from '../../protocol/spake2/index.ts'
import { newTicket } from '../../protocol/tickets.ts'

/** A change to one JSON answer: the correct answer in, what the device sends out. */
export type Rewrite = (answer: Record<string, unknown>, device: HarnessDevice) => unknown

/** What the device does with one HTTP endpoint instead of answering correctly. */
export interface EndpointScript {
  /** Answer with this problem (every time, or only the first `times` times). */
  readonly problem?: ProblemEntry
  readonly times?: number
  /** Extra members and headers of the problem answer (Retry-After, device_time, ...). */
  readonly problemExtra?: Record<string, unknown>
  readonly headers?: Record<string, string>
  /** Rewrites the correct 2xx answer. */
  readonly rewrite?: Rewrite
  /** Sends this text as the 2xx body instead (not JSON, padded, ...). */
  readonly raw?: string
}

/** One thing the device sends after the client's request and before its response (§7.5). */
export type SessionStep =
  | 'notification'
  | 'unmatched-response'
  | 'ping'
  | 'bit-flip'
  | 'replay'
  | 'skip-counter'
  | 'reorder'
  | 'truncate'
  | 'text'
  | 'text-not-utf8'
  | 'short'
  | 'empty'
  | 'oversize'

/**
 * A frame that breaks RFC 6455 itself, written raw on the connection in place of the response
 * (§7.9 pw-sess-7.9-client-framing): a masked frame (§5.1), RSV1 set without an extension
 * (§5.2), a Close carrying 1005, which no endpoint may send (§7.4.1), a Close whose reason is
 * not UTF-8 (§8.1).
 */
export type FramingFault = 'masked-frame' | 'reserved-bits' | 'close-code-1005' | 'close-reason-not-utf8'

/** How message 2 goes wrong (§7.4). */
export type Message2Fault =
  | 'bit-flip'
  | 'truncate'
  | 'foreign'
  | 'text'
  | 'text-not-utf8'
  | 'silent'
  | 'payload-v2'
  | 'payload-missing-session-id'
  | 'payload-unknown-member'
  | 'payload-small-max-frame'
  | 'payload-not-json'
  /** e is the all-zero point, so the client's ee is all zero (§7.3 pw-sess-7.3-reject-zero-dh). */
  | 'low-order-e'

export interface DeviceScript {
  readonly discovery?: EndpointScript & {
    /** After a pairing succeeded, discovery names another key (and id): §4.4 pinned key. */
    readonly afterPairing?: 'other-key'
  }
  readonly pairStart?: EndpointScript
  readonly pairFinish?: EndpointScript
  readonly tickets?: EndpointScript
  readonly rpc?: EndpointScript
  readonly clientsSelf?: EndpointScript
  /** Refuse the upgrade before it with this problem (§7.2). */
  readonly upgrade?: ProblemEntry
  /** Offset of the Date field of every answer, seconds (§13.5). */
  readonly dateOffsetSeconds?: number
  /** Instead of message 2: a close, or a faulty message 2. */
  readonly message2?: Message2Fault | { readonly close: CloseEntry }
  /** The `max_frame` of the message 2 payload (default LIMIT_DEFAULTS.max_frame). */
  readonly maxFrame?: number
  /** Frames sent after the client's first request and before the response. */
  readonly steps?: readonly SessionStep[]
  /** Instead of the response: close with this code. */
  readonly closeInsteadOfResponse?: CloseEntry
  /** Instead of the response: a frame that breaks RFC 6455. */
  readonly framingInsteadOfResponse?: FramingFault
  /**
   * §7.10: answer a json_seq offer in message 2, and send the response packed after a
   * notification, in one plaintext. Without it the device declines every offer.
   */
  readonly jsonSeq?: boolean
}

/** One HTTP request the client sent, as the device saw it. */
export interface HttpRecord {
  readonly kind: 'http'
  readonly at: number
  readonly method: string
  readonly path: string
  readonly query: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** For signed endpoints: the verification result of spec §8.7 against the paired client. */
  readonly signature?: SignatureRecord
  /** The status the device answered. */
  status?: number
}

export interface SignatureRecord {
  readonly ok: boolean
  readonly problem?: string
  readonly keyid?: string
  readonly alg?: string
  readonly created?: number
  readonly nonce?: string
  readonly components?: readonly string[]
  readonly signatureInput?: string
}

/** One session as the device saw it. */
export interface SessionRecord {
  readonly kind: 'session'
  readonly at: number
  readonly path: string
  readonly ticket: string | null
  /** Frames the client sent: binary or text, size, and what the device made of them. */
  readonly frames: { binary: boolean; size: number; note: string }[]
  /** The client's message 1 ephemeral key and payload, when message 1 was valid. */
  message1?: { e: string; payload: unknown }
  /** JSON-RPC objects the client sent, decrypted (each element of a packed plaintext, §7.10). */
  readonly requests: unknown[]
  /** Whether message 2 accepted the client's json_seq offer (§7.10). */
  jsonSeqAccepted?: boolean
  /** The packed plaintexts the client sent: their element counts, and whether message 2 accepted them. */
  readonly packed: { elements: number; accepted: boolean }[]
  /** What the device sent, step by step. */
  readonly sent: string[]
  /** The response object the device sent, when it sent one. */
  response?: unknown
  /** Pongs received: payload hex, and whether it matched the ping's. */
  readonly pongs: { matched: boolean }[]
  /** When message 1 arrived (ms since the epoch). */
  message1At?: number
  /** The client's Close, when it sent one, and when it arrived (ms since the epoch). */
  clientClose?: { code: number; reason: string; at: number }
  /** Transport frames the client sent after the device broke the session (should be none). */
  framesAfterBreak: number
  broken: boolean
}

export type LogEntry = HttpRecord | SessionRecord

interface PairedClient {
  readonly key: Uint8Array
  readonly pairingKey: Uint8Array
}

export interface HarnessDevice {
  readonly url: string
  readonly pin: string
  readonly deviceId: string
  readonly deviceKey: string
  /** The device key's Ed25519 seed: only for claiming a relay slot (client --via-relay, §15.3). */
  readonly deviceSeed: Uint8Array
  /** client --via-relay: the relay the adapter reaches this device through (spec §12.3, §15.5). */
  relay?: string
  /** The script; cases on a shared device set it before each operation. */
  script: DeviceScript
  readonly log: LogEntry[]
  readonly clients: Map<string, PairedClient>
  /** Secrets the client must never send (§13.2): the PIN and every pairing key, base64url. */
  secrets(): string[]
  /** Clears the log (a shared device between cases). */
  reset(script?: DeviceScript): void
  close(): Promise<void>
}

const MESSAGE_1_MIN = SIZES.x25519Key + SIZES.aeadTag
const PONG_WAIT_MS = 2000
// The session waits this long for the client's first request before giving up on it.
const REQUEST_WAIT_MS = 10_000

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))))
    req.on('error', () => resolve(new Uint8Array(Buffer.concat(chunks))))
  })
}

function problemBody(entry: ProblemEntry, extra: Record<string, unknown> = {}): object {
  return { type: problemType(entry), title: entry.title, status: entry.status, ...extra }
}

// Bytes that are not UTF-8 (0xff never occurs in UTF-8, RFC 3629 §1), for text frames and reasons.
const NOT_UTF8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d])
// RFC 6455 §5.2 opcodes and §7.4.1 codes of the raw frames below.
const FIN_BINARY = 0x82
const FIN_CLOSE = 0x88
const RSV1 = 0x40
const MASKED = 0x80
const NO_STATUS = 1005

/** One RFC 6455 frame from the device that a client must fail (FramingFault). */
function framingFault(fault: FramingFault, mask: Uint8Array): Buffer {
  const payload = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])
  const code = (n: number, reason: Buffer = Buffer.alloc(0)) => Buffer.concat([Buffer.from([n >> 8, n & 0xff]), reason])
  switch (fault) {
    case 'masked-frame':
      return Buffer.concat([Buffer.from([FIN_BINARY, MASKED | payload.length]), mask, payload.map((b, i) => b ^ mask[i % 4]!)])
    case 'reserved-bits':
      return Buffer.concat([Buffer.from([FIN_BINARY | RSV1, payload.length]), payload])
    case 'close-code-1005':
      return Buffer.concat([Buffer.from([FIN_CLOSE, 2]), code(NO_STATUS)])
    case 'close-reason-not-utf8': {
      const body = code(CLOSES.normal.code, NOT_UTF8)
      return Buffer.concat([Buffer.from([FIN_CLOSE, body.length]), body])
    }
  }
}

function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice()
  out[index % out.length] = out[index % out.length]! ^ 0x01
  return out
}

class Refusal extends Error {
  constructor(
    readonly entry: ProblemEntry,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(entry.name)
  }
}

/** Starts a harness device on 127.0.0.1 with its own fresh identity and PIN. */
export async function startHarnessDevice(script: DeviceScript = {}): Promise<HarnessDevice> {
  const backend = defaultBackend
  const keyOf = () => backend.ed25519PublicKey(backend.randomBytes(32))
  // The seed is kept for --via-relay: the harness device claims its relay slot with it (§15.3).
  const deviceSeed = backend.randomBytes(32)
  const deviceKeyBytes = backend.ed25519PublicKey(deviceSeed)
  const deviceKey = base64urlEncode(deviceKeyBytes)
  const deviceId = deviceIdOf(deviceKeyBytes)
  const otherKey = keyOf()
  const pin = generatePin()
  const log: LogEntry[] = []
  const clients = new Map<string, PairedClient>()
  const served = new Map<string, number>()
  const pending = new Map<string, { state: DevicePairingState; clientKey: Uint8Array }>()
  const tickets = new Map<string, string>()
  const nonces = new Set<string>()
  let pairedOnce = false

  const device: HarnessDevice = {
    url: '',
    pin,
    deviceId,
    deviceKey,
    deviceSeed,
    script,
    log,
    clients,
    secrets: () => [pin, ...[...clients.values()].map((c) => base64urlEncode(c.pairingKey))],
    reset(next = {}) {
      device.script = next
      log.length = 0
      // `times` of an endpoint script counts from the reset (a shared device between cases).
      served.clear()
    },
    close: async () => undefined,
  }

  function discoveryDocument(): Record<string, unknown> {
    const swapped = device.script.discovery?.afterPairing === 'other-key' && pairedOnce
    const key = swapped ? otherKey : deviceKeyBytes
    return {
      v: PROTOCOL_VERSION,
      versions: [PROTOCOL_VERSION],
      device_id: deviceIdOf(key),
      device_key: base64urlEncode(key),
      name: 'pairwire-conformance harness device',
      profiles: ['pairing', 'session', 'signed-http'],
      algorithms: ['ed25519', 'hmac-sha256'],
      limits: { ...LIMIT_DEFAULTS },
    }
  }

  function pairStart(body: { client_key?: string; pA?: string }): Record<string, unknown> {
    let clientKey: Uint8Array
    let pA: Uint8Array
    try {
      clientKey = base64urlDecode(body.client_key ?? '', SIZES.ed25519PublicKey)
      pA = base64urlDecode(body.pA ?? '', SIZES.p256UncompressedPoint)
    } catch {
      throw new Refusal(PROBLEMS.malformedRequest)
    }
    try {
      const { pB, state } = respondDevicePairing({ pin, clientKey, deviceKey: deviceKeyBytes, pA })
      const pairingId = base64urlEncode(backend.randomBytes(SIZES.signatureNonce))
      pending.set(pairingId, { state, clientKey })
      const expiresAt = Math.floor(Date.now() / 1000) + LIMIT_DEFAULTS.pairing_ttl
      return {
        v: PROTOCOL_VERSION,
        pairing_id: pairingId,
        pB: base64urlEncode(pB),
        device_key: deviceKey,
        expires_at: expiresAt,
      }
    } catch (error) {
      if (isProtocolError(error, 'invalid-share')) throw new Refusal(PROBLEMS.invalidShare)
      throw error
    }
  }

  function pairFinish(body: { pairing_id?: string; cA?: string }): Record<string, unknown> {
    const found = pending.get(body.pairing_id ?? '')
    if (found === undefined) throw new Refusal(PROBLEMS.unknownPairing)
    pending.delete(body.pairing_id!)
    let confirmed: { cB: Uint8Array; pairingKey: Uint8Array }
    try {
      confirmed = confirmDevicePairing(found.state, base64urlDecode(body.cA ?? '', SIZES.confirmationMac))
    } catch {
      throw new Refusal(PROBLEMS.confirmationFailed, { attempts_remaining: 0 })
    }
    const clientId = clientIdOf(found.clientKey)
    clients.set(clientId, { key: found.clientKey, pairingKey: confirmed.pairingKey })
    pairedOnce = true
    return {
      v: PROTOCOL_VERSION,
      client_id: clientId,
      device_id: deviceId,
      cB: base64urlEncode(confirmed.cB),
    }
  }

  /** §8.7 against the paired clients; records what the client signed. Returns the client_id. */
  function verifySigned(req: IncomingMessage, url: string, body: Uint8Array, record: { signature?: SignatureRecord }): string {
    const request = { method: req.method ?? 'GET', url, headers: req.headers, body: body.length > 0 ? body : undefined }
    const signatureInput = headerRecord(req)['signature-input']
    try {
      const parsed = parseSignedRequest(request)
      const { params } = parsed
      const base = {
        keyid: params.keyid,
        alg: params.alg,
        created: params.created,
        nonce: params.nonce,
        components: parsed.components,
        ...(signatureInput === undefined ? {} : { signatureInput }),
      }
      const client = clients.get(params.keyid)
      if (client === undefined) {
        record.signature = { ok: false, problem: PROBLEMS.unknownKey.name, ...base }
        throw new Refusal(PROBLEMS.unknownKey)
      }
      const key = params.alg === 'hmac-sha256' ? requestHmacKey(client.pairingKey) : client.key
      try {
        verifyParsedSignature(parsed, key)
      } catch (error) {
        record.signature = { ok: false, problem: PROBLEMS.signatureInvalid.name, ...base }
        throw error
      }
      if (!checkSignatureTime(params, Math.floor(Date.now() / 1000), LIMIT_DEFAULTS.skew)) {
        record.signature = { ok: false, problem: PROBLEMS.clockSkew.name, ...base }
        throw new Refusal(PROBLEMS.clockSkew, { device_time: Math.floor(Date.now() / 1000) })
      }
      const claim = `${params.keyid} ${params.nonce}`
      if (nonces.has(claim)) {
        record.signature = { ok: false, problem: PROBLEMS.replayedNonce.name, ...base }
        throw new Refusal(PROBLEMS.replayedNonce)
      }
      nonces.add(claim)
      record.signature = { ok: true, ...base }
      return params.keyid
    } catch (error) {
      if (error instanceof Refusal) throw error
      const entry = isProtocolError(error) ? SIGNATURE_FAILURE_PROBLEMS[error.code] : undefined
      record.signature ??= { ok: false, problem: (entry ?? PROBLEMS.malformedRequest).name, ...(signatureInput === undefined ? {} : { signatureInput }) }
      throw new Refusal(entry ?? PROBLEMS.malformedRequest)
    }
  }

  /** The scripted change of one endpoint, if any; `answer` computes the correct answer. */
  function scripted(name: string, endpoint: EndpointScript | undefined, answer: () => Record<string, unknown>): { body: string; headers: Record<string, string> } {
    const count = (served.get(name) ?? 0) + 1
    served.set(name, count)
    if (endpoint?.problem !== undefined && (endpoint.times === undefined || count <= endpoint.times)) {
      throw new Refusal(endpoint.problem, endpoint.problemExtra, endpoint.headers)
    }
    const correct = answer()
    if (endpoint?.raw !== undefined) return { body: endpoint.raw, headers: {} }
    const rewritten = endpoint?.rewrite === undefined ? correct : endpoint.rewrite(correct, device)
    return { body: JSON.stringify(rewritten), headers: {} }
  }

  function dateHeader(): string {
    const offset = (device.script.dateOffsetSeconds ?? 0) * 1000
    return new Date(Date.now() + offset).toUTCString()
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = `http://${req.headers.host ?? ''}${req.url ?? '/'}`
    const parsedUrl = new URL(req.url ?? '/', 'http://device')
    const body = await readBody(req)
    const record: HttpRecord = {
      kind: 'http',
      at: Date.now(),
      method: req.method ?? '',
      path: parsedUrl.pathname,
      query: parsedUrl.search,
      headers: headerRecord(req),
      body: utf8Decode(body),
    }
    log.push(record)
    const json = (): Record<string, unknown> => {
      try {
        return JSON.parse(utf8Decode(body)) as Record<string, unknown>
      } catch {
        throw new Refusal(PROBLEMS.malformedRequest)
      }
    }
    const answer = (status: number, text?: string, headers: Record<string, string> = {}) => {
      record.status = status
      const base = { date: dateHeader(), ...headers }
      if (text === undefined) return void res.writeHead(status, base).end()
      res.writeHead(status, { 'content-type': 'application/json', ...base }).end(text)
    }
    try {
      const s = device.script
      const path = parsedUrl.pathname
      if (path === PATHS.discovery && req.method === 'GET') {
        const out = scripted('discovery', s.discovery, discoveryDocument)
        return answer(200, out.body, out.headers)
      }
      if (path === PATHS.pairStart && req.method === 'POST') {
        const out = scripted('pair-start', s.pairStart, () => pairStart(json()))
        return answer(200, out.body)
      }
      if (path === PATHS.pairFinish && req.method === 'POST') {
        const out = scripted('pair-finish', s.pairFinish, () => pairFinish(json()))
        return answer(200, out.body)
      }
      if (path === PATHS.tickets && req.method === 'POST') {
        const out = scripted('tickets', s.tickets, () => {
          const clientId = verifySigned(req, url, body, record)
          const { ticket } = newTicket()
          tickets.set(ticket, clientId)
          const expiresAt = Math.floor(Date.now() / 1000) + LIMIT_DEFAULTS.ticket_ttl
          return { v: PROTOCOL_VERSION, ticket, expires_at: expiresAt }
        })
        return answer(200, out.body)
      }
      if (path === PATHS.rpc && req.method === 'POST') {
        const out = scripted('rpc', s.rpc, () => {
          verifySigned(req, url, body, record)
          const message = json() as { id?: unknown; params?: unknown }
          return { jsonrpc: '2.0', id: message.id ?? null, result: message.params ?? null }
        })
        return answer(200, out.body)
      }
      if (path === PATHS.clientsSelf && req.method === 'DELETE') {
        scripted('clients-self', s.clientsSelf, () => {
          const clientId = verifySigned(req, url, body, record)
          clients.delete(clientId)
          return {}
        })
        return answer(204)
      }
      throw new Refusal(PROBLEMS.notFound)
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(PROBLEMS.internalError)
      record.status = refusal.entry.status
      res
        .writeHead(refusal.entry.status, {
          'content-type': LABELS.problemContentType,
          date: dateHeader(),
          ...refusal.headers,
        })
        .end(JSON.stringify(problemBody(refusal.entry, refusal.extra)))
    }
  }

  const server = createServer((req, res) => void route(req, res))
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1 << 20 })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const parsedUrl = new URL(req.url ?? '/', 'http://device')
    const ticket = parsedUrl.searchParams.get('ticket')
    const record: SessionRecord = {
      kind: 'session',
      at: Date.now(),
      path: parsedUrl.pathname,
      ticket,
      frames: [],
      requests: [],
      sent: [],
      packed: [],
      pongs: [],
      framesAfterBreak: 0,
      broken: false,
    }
    log.push(record)
    const refuse = (entry: ProblemEntry): void => {
      const text = JSON.stringify(problemBody(entry))
      socket.end(
        `HTTP/1.1 ${entry.status} ${entry.title}\r\ncontent-type: ${LABELS.problemContentType}\r\n` +
          `connection: close\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      )
      record.sent.push(`refused the upgrade: ${entry.status} ${entry.name}`)
    }
    if (parsedUrl.pathname !== PATHS.websocket) return refuse(PROBLEMS.notFound)
    if (ticket === null || ticket === '') return refuse(PROBLEMS.ticketMissing)
    if (device.script.upgrade !== undefined) {
      tickets.delete(ticket)
      return refuse(device.script.upgrade)
    }
    const clientId = tickets.get(ticket)
    tickets.delete(ticket)
    const client = clientId === undefined ? undefined : clients.get(clientId)
    if (clientId === undefined || client === undefined) return refuse(PROBLEMS.ticketInvalid)
    wss.handleUpgrade(req, socket, head, (ws) => runSession(ws, socket, clientId, client, record))
  })

  function runSession(ws: WebSocket, raw: Duplex, clientId: string, client: PairedClient, record: SessionRecord): void {
    const script = device.script
    const prologue = sessionPrologue(clientId, deviceId)
    const handshake = new HandshakeState({ role: 'responder', psk: client.pairingKey, prologue })
    let transport: NoiseTransport | undefined
    let clientMaxFrame: number = SIZES.noiseMaxMessage
    let message1: Uint8Array | undefined
    let ended = false
    const closeWith = (entry: CloseEntry): void => {
      if (ended) return
      ended = true
      record.sent.push(`close ${entry.code} ${entry.reason}`)
      ws.close(entry.code, entry.reason)
    }
    const pings: Uint8Array[] = []
    ws.on('pong', (data: Buffer) => {
      const expected = pings.shift()
      record.pongs.push({ matched: expected !== undefined && Buffer.compare(Buffer.from(expected), data) === 0 })
    })
    // A client that breaks RFC 6455 (an echoed Close reason that is not UTF-8, say) makes ws
    // emit 'error' and close 1002/1007; the harness records the close and must not crash.
    ws.on('error', () => {})
    ws.on('close', (code: number, reason: Buffer) => {
      ended = true
      // ws reports 1005 for a Close without a code and 1006 for none at all.
      if (code !== 1006) record.clientClose ??= { code, reason: reason.toString('utf8'), at: Date.now() }
    })
    let requestTimer: NodeJS.Timeout | undefined

    const message2 = (): void => {
      const m2 = script.message2
      if (typeof m2 === 'object') return closeWith(m2.close)
      if (m2 === 'silent') {
        // §7.4 pw-sess-7.4-client-gives-up: no message 2 and no close; the client must give up.
        record.sent.push('nothing (no message 2)')
        return
      }
      const payload: Record<string, unknown> = {
        v: PROTOCOL_VERSION,
        session_id: base64urlEncode(backend.randomBytes(SIZES.signatureNonce)),
        max_frame: script.maxFrame ?? LIMIT_DEFAULTS.max_frame,
        ping_interval: LIMIT_DEFAULTS.ping_interval,
      }
      if (m2 === 'payload-v2') payload['v'] = 2
      if (m2 === 'payload-missing-session-id') delete payload['session_id']
      if (m2 === 'payload-unknown-member') payload['extra'] = true
      if (m2 === 'payload-small-max-frame') payload['max_frame'] = 512
      // §7.10: json_seq answers an offer, and only where the script says so.
      if (script.jsonSeq === true && offeredJsonSeq(record)) {
        payload['json_seq'] = true
        record.jsonSeqAccepted = true
      }
      const text = m2 === 'payload-not-json' ? '{"v": 1,' : JSON.stringify(payload)
      let bytes = handshake.writeMessage(utf8Encode(text))
      transport = new NoiseTransport(handshake.split())
      if (m2 === 'foreign') {
        // A valid message 2, but of another handshake (same psk and prologue): its ee differs.
        const initiator = new HandshakeState({ role: 'initiator', psk: client.pairingKey, prologue })
        const other = new HandshakeState({ role: 'responder', psk: client.pairingKey, prologue })
        other.readMessage(initiator.writeMessage(utf8Encode('{"v":1,"max_frame":65535}')))
        bytes = other.writeMessage(utf8Encode(text))
      }
      if (m2 === 'text' || m2 === 'text-not-utf8') {
        ws.send(m2 === 'text' ? JSON.stringify(payload) : NOT_UTF8, { binary: false })
        record.sent.push(m2 === 'text' ? 'message 2 as a text frame' : 'a text frame that is not UTF-8 in place of message 2')
        record.broken = true
        return
      }
      if (m2 === 'low-order-e') bytes = lowOrderMessage2(client.pairingKey, prologue, message1!, utf8Encode(text))
      if (m2 === 'bit-flip') bytes = flipBit(bytes, bytes.length - 3)
      if (m2 === 'truncate') bytes = bytes.subarray(0, bytes.length - 1)
      ws.send(bytes)
      record.sent.push(m2 === undefined ? 'message 2' : `message 2 (${m2})`)
      if (m2 !== undefined) record.broken = true
      requestTimer = setTimeout(() => closeWith(CLOSES.normal), REQUEST_WAIT_MS)
    }

    const sealJson = (value: unknown): Uint8Array => transport!.seal(utf8Encode(JSON.stringify(value)))
    const notification = (n: number) => ({ jsonrpc: '2.0', method: 'pairwire.conformance.notice', params: { n } })

    const play = async (request: { id?: unknown; params?: unknown }): Promise<void> => {
      let n = 0
      for (const step of script.steps ?? []) {
        if (ended) return
        n += 1
        switch (step) {
          case 'notification':
            ws.send(sealJson(notification(n)))
            break
          case 'unmatched-response':
            ws.send(sealJson({ jsonrpc: '2.0', id: 'pw-conformance-unmatched', result: { unmatched: true } }))
            break
          case 'ping': {
            const data = backend.randomBytes(8)
            pings.push(data)
            ws.ping(Buffer.from(data))
            const deadline = Date.now() + PONG_WAIT_MS
            const count = record.pongs.length
            while (record.pongs.length === count && Date.now() < deadline && !ended) {
              await new Promise((resolve) => setTimeout(resolve, 20))
            }
            break
          }
          case 'bit-flip': {
            const frame = sealJson(notification(n))
            ws.send(flipBit(frame, 0))
            record.broken = true
            break
          }
          case 'replay': {
            const frame = sealJson(notification(n))
            ws.send(frame)
            ws.send(frame)
            record.broken = true
            break
          }
          case 'skip-counter':
            sealJson(notification(n))
            record.broken = true
            break
          case 'reorder': {
            const first = sealJson(notification(n))
            const second = sealJson(notification(n + 100))
            ws.send(second)
            ws.send(first)
            record.broken = true
            break
          }
          case 'truncate': {
            const frame = sealJson(notification(n))
            ws.send(frame.subarray(0, frame.length - 1))
            record.broken = true
            break
          }
          case 'text':
            ws.send(JSON.stringify(notification(n)))
            record.broken = true
            break
          case 'text-not-utf8':
            // §7.5: judged by its type alone, so 4400, not the 1007 of RFC 6455 §8.1.
            ws.send(NOT_UTF8, { binary: false })
            record.broken = true
            break
          case 'short':
            ws.send(backend.randomBytes(SIZES.aeadTag - 1))
            record.broken = true
            break
          case 'empty':
            ws.send(new Uint8Array(0))
            record.broken = true
            break
          case 'oversize':
            ws.send(backend.randomBytes(clientMaxFrame + 1))
            record.broken = true
            break
        }
        record.sent.push(step)
      }
      if (ended) return
      if (script.closeInsteadOfResponse !== undefined) return closeWith(script.closeInsteadOfResponse)
      if (script.framingInsteadOfResponse !== undefined) {
        // Written past ws, which would never send these; ws still reads the client's answer.
        raw.write(framingFault(script.framingInsteadOfResponse, backend.randomBytes(4)))
        record.sent.push(`a raw frame: ${script.framingInsteadOfResponse}`)
        record.broken = true
        return
      }
      const response = { jsonrpc: '2.0', id: request.id ?? null, result: request.params ?? null }
      record.response = response
      if (script.jsonSeq === true && offeredJsonSeq(record)) {
        const texts = [notification(n + 1), response].map((value) => utf8Encode(JSON.stringify(value)))
        ws.send(transport!.seal(packTexts(texts)))
        record.sent.push('a packed plaintext: notification, response')
        return
      }
      ws.send(sealJson(response))
      record.sent.push('response')
    }

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = new Uint8Array(data)
      if (record.broken && transport !== undefined) record.framesAfterBreak += 1
      if (!isBinary) {
        record.frames.push({ binary: false, size: frame.length, note: 'text' })
        return closeWith(CLOSES.malformedFrame)
      }
      if (record.message1 === undefined) {
        if (frame.length < MESSAGE_1_MIN) {
          record.frames.push({ binary: true, size: frame.length, note: 'too short for message 1' })
          return closeWith(CLOSES.malformedFrame)
        }
        try {
          const payload = JSON.parse(utf8Decode(handshake.readMessage(frame))) as { max_frame?: unknown }
          message1 = frame
          record.message1 = { e: base64urlEncode(frame.subarray(0, SIZES.x25519Key)), payload }
          record.message1At = Date.now()
          record.frames.push({ binary: true, size: frame.length, note: 'message 1' })
          if (typeof payload.max_frame === 'number') clientMaxFrame = payload.max_frame
        } catch {
          record.frames.push({ binary: true, size: frame.length, note: 'message 1 failed Noise' })
          return closeWith(CLOSES.handshakeFailed)
        }
        return message2()
      }
      if (transport === undefined || record.broken) {
        record.frames.push({ binary: true, size: frame.length, note: 'after a broken message 2 or frame' })
        return
      }
      let plaintext: Uint8Array
      try {
        plaintext = transport.open(frame)
      } catch {
        record.frames.push({ binary: true, size: frame.length, note: 'failed authentication' })
        return closeWith(CLOSES.frameAuthFailed)
      }
      record.frames.push({ binary: true, size: frame.length, note: 'transport message' })
      const first = record.requests.length === 0
      record.requests.push(...plaintextMessages(plaintext, record))
      if (first && record.requests.length > 0) {
        clearTimeout(requestTimer)
        void play(record.requests[0] as { id?: unknown; params?: unknown })
      }
    })
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  Object.assign(device, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  })
  return device
}

/** Whether the client's message 1 payload offered json_seq (§7.4, §7.10). */
function offeredJsonSeq(record: SessionRecord): boolean {
  return (record.message1?.payload as { json_seq?: unknown } | undefined)?.json_seq === true
}

/**
 * The JSON-RPC objects of one plaintext from the client: one (§7.6), or each element of a packed
 * plaintext (§7.10), which is recorded, accepted or not; unparsable ones as `{ unparsable }`.
 */
function plaintextMessages(plaintext: Uint8Array, record: SessionRecord): unknown[] {
  const parsed = (bytes: Uint8Array): unknown => {
    try {
      return JSON.parse(utf8Decode(bytes))
    } catch {
      return { unparsable: utf8Decode(bytes).slice(0, 200) }
    }
  }
  if (!isPacked(plaintext)) return [parsed(plaintext)]
  const elements = splitPacked(plaintext)
  const accepted = record.jsonSeqAccepted === true
  record.packed.push({ elements: elements.length, accepted })
  // Not accepted, it is one plaintext that is not JSON (§7.6): the client's fault, judged by the cases.
  return accepted ? elements.map(parsed) : [parsed(plaintext)]
}

/** The HTTP requests of the log to `path` (and `method`). */
export function requestsTo(log: readonly LogEntry[], path: string, method?: string): HttpRecord[] {
  return log.filter(
    (e): e is HttpRecord => e.kind === 'http' && e.path === path && (method === undefined || e.method === method),
  )
}

export function sessionsOf(log: readonly LogEntry[]): SessionRecord[] {
  return log.filter((e): e is SessionRecord => e.kind === 'session')
}

/** A short, secret-free summary of the log for reports. */
export function describeLog(log: readonly LogEntry[]): string[] {
  return log.map((e) => {
    if (e.kind === 'http') {
      const sig = e.signature === undefined ? '' : ` signature ${e.signature.ok ? 'ok' : e.signature.problem}`
      return `${e.method} ${e.path}${e.query === '' ? '' : '?…'} -> ${e.status ?? '?'}${sig}`
    }
    const close = e.clientClose === undefined ? 'no Close from the client' : `client closed ${e.clientClose.code} ${e.clientClose.reason}`
    const frames = e.frames.map((f) => `${f.binary ? 'bin' : 'text'} ${f.size} (${f.note})`).join(', ')
    const packed = e.packed.map((p) => `${p.elements} elements, ${p.accepted ? 'accepted' : 'NOT accepted'}`)
    const packing = packed.length === 0 ? '' : `; packed plaintexts from the client: [${packed.join(', ')}]`
    return `WS ${e.path}: device sent [${e.sent.join(', ')}]; client sent [${frames}]${packing}; ${close}`
  })
}
