/**
 * The session driver of the conformance harness (spec §6, §7): a ticket from a signed request, the
 * WebSocket upgrade with it, the Noise NNpsk0 initiator of protocol/noise with the Pairwire
 * prologue and handshake payloads (§7.3, §7.4), then JSON-RPC 2.0 objects sealed into transport
 * frames (§7.5, §7.6). Cases can replace any part of message 1 (psk, prologue ids, payload), seal
 * frames without sending them, and send raw or mutated bytes; every frame the device sends is
 * checked (binary, within the client's max_frame, authenticates) before a case sees it. A case
 * may offer packed plaintexts (§7.10 json_seq); the session then hands the elements of a packed
 * plaintext to the case one by one, and without the offer a packed plaintext fails the case.
 */
import { concatBytes, utf8Decode, utf8Encode } from '../../protocol/encoding.ts'
import { isPacked } from '../../protocol/json-seq.ts'
import {
  HandshakeState,
  NoiseTransport,
  SymmetricState,
  sessionPrologue,
} from '../../protocol/noise/index.ts'
import { PATHS, PROTOCOL_VERSION, SIZES } from '../../protocol/registry.ts'
import { validateMessage } from '../../schemas/validate.ts'
import type { CaseContext } from '../model.ts'
import { failCase, must } from '../verdicts.ts'
import { expectJsonMessage } from './http.ts'
import { packedElements } from './packed.ts'
import type { PairedClient } from './pairing.ts'
import { openSocket, type Closed, type SocketObserver } from './session-socket.ts'
import { signedRequest } from './signed.ts'

export interface DevicePayload {
  readonly v: number
  readonly session_id: string
  readonly max_frame: number
  readonly ping_interval: number
  /** §7.10: the device accepts packed plaintexts from the harness. */
  readonly json_seq?: true
}

/** What a case may change in Noise message 1 (defaults: what a conforming client sends). */
export interface Message1Options {
  /** The client's max_frame in the payload; default SIZES.noiseMaxMessage. */
  readonly maxFrame?: number
  /** Offers packed plaintexts from the device (§7.4, §7.10 `json_seq: true`); default false. */
  readonly jsonSeq?: boolean
  /** Replaces the whole payload: an object is sent as JSON, bytes as they are. */
  readonly payload?: unknown
  readonly psk?: Uint8Array
  readonly clientId?: string
  readonly deviceId?: string
}

/** One thing received on a session: a decrypted JSON value, the close, or nothing in time. */
export type Received =
  | { readonly kind: 'message'; readonly value: unknown; readonly size: number }
  | { readonly kind: 'close'; readonly close: Closed }
  | { readonly kind: 'timeout' }

/** Signed POST tickets (§6.1); fails the case unless the device issues a ticket. */
export async function getTicket(ctx: CaseContext, client: PairedClient): Promise<string> {
  const res = await signedRequest(ctx, client, {
    method: 'POST',
    path: PATHS.tickets,
    body: { v: PROTOCOL_VERSION },
    step: 'POST tickets (setup)',
  })
  must(expectJsonMessage(res, 200, 'ticket-response'))
  return (res.json as { ticket: string }).ticket
}

/** Upgrades with `ticket`; fails the case when the gate refuses it. */
export async function openTicketSocket(
  ctx: CaseContext,
  ticket: string,
  options: { autoPong?: boolean } = {},
): Promise<SocketObserver> {
  const answer = await openSocket(ctx, `?ticket=${ticket}`, { ...options, step: 'upgrade (setup)' })
  if (answer.kind === 'upgraded') return answer.socket
  return failCase('the device refused a fresh ticket', { status: 101 }, answer.response.status)
}

function payloadBytes(payload: unknown): Uint8Array {
  return payload instanceof Uint8Array ? payload : utf8Encode(JSON.stringify(payload))
}

/** Noise message 1 (§7.3, §7.4) from `client`, with the overrides of `options`. */
export function buildMessage1(
  client: PairedClient,
  options: Message1Options = {},
): { message: Uint8Array; handshake: HandshakeState; jsonSeq: boolean } {
  const handshake = new HandshakeState({
    role: 'initiator',
    psk: options.psk ?? client.pairingKey,
    prologue: sessionPrologue(options.clientId ?? client.clientId, options.deviceId ?? client.deviceId),
  })
  const offer = options.jsonSeq === true ? { json_seq: true } : {}
  const payload =
    'payload' in options
      ? options.payload
      : { v: PROTOCOL_VERSION, max_frame: options.maxFrame ?? SIZES.noiseMaxMessage, ...offer }
  // What the device is to take the payload for: a replaced payload offers if it says so.
  const jsonSeq = (payload as { json_seq?: unknown } | null)?.json_seq === true
  return { message: handshake.writeMessage(payloadBytes(payload)), handshake, jsonSeq }
}

/**
 * A message 1 whose ephemeral key is the all-zero X25519 point, of low order: the device's `ee`
 * for message 2 is then all zero, which §7.3 requires it to treat as a failed handshake.
 */
export function lowOrderMessage1(client: PairedClient): Uint8Array {
  const symmetric = new SymmetricState()
  symmetric.mixHash(sessionPrologue(client.clientId, client.deviceId))
  symmetric.mixKeyAndHash(client.pairingKey)
  const e = new Uint8Array(SIZES.x25519Key)
  symmetric.mixHash(e)
  symmetric.mixKey(e)
  const payload = { v: PROTOCOL_VERSION, max_frame: SIZES.noiseMaxMessage }
  return concatBytes(e, symmetric.encryptAndHash(payloadBytes(payload)))
}

/**
 * The device's side of the same attack on a client (client mode): a message 2 answering
 * `message1` whose ephemeral key is the all-zero point, so that the client's `ee` is all zero.
 * Everything else is what a device would send, with the zero DH output mixed in as `ee`: a client
 * that skipped the §7.3 check would read `payload` and go on (drivers/session.test.ts).
 */
export function lowOrderMessage2(
  psk: Uint8Array,
  prologue: Uint8Array,
  message1: Uint8Array,
  payload: Uint8Array,
): Uint8Array {
  const symmetric = new SymmetricState()
  symmetric.mixHash(prologue)
  symmetric.mixKeyAndHash(psk)
  const re = message1.subarray(0, SIZES.x25519Key)
  symmetric.mixHash(re)
  symmetric.mixKey(re)
  symmetric.decryptAndHash(message1.subarray(SIZES.x25519Key))
  const e = new Uint8Array(SIZES.x25519Key)
  symmetric.mixHash(e)
  symmetric.mixKey(e)
  symmetric.mixKey(new Uint8Array(SIZES.x25519Key))
  return concatBytes(e, symmetric.encryptAndHash(payload))
}

/** An open session: the socket, the transport keys, and the device's message 2 payload. */
export class NoiseSession {
  readonly socket: SocketObserver
  readonly devicePayload: DevicePayload
  readonly #transport: NoiseTransport
  readonly #ctx: CaseContext
  readonly #maxFrame: number
  /** Whether message 1 offered json_seq: only then may the device send packed plaintexts. */
  readonly jsonSeqOffered: boolean
  /** The elements of the last packed plaintext not yet handed to the case (§7.10). */
  readonly #elements: Received[] = []
  #nextId = 1

  constructor(ctx: CaseContext, socket: SocketObserver, transport: NoiseTransport,
    devicePayload: DevicePayload, maxFrame: number, jsonSeqOffered = false) {
    this.#ctx = ctx
    this.socket = socket
    this.#transport = transport
    this.devicePayload = devicePayload
    this.#maxFrame = maxFrame
    this.jsonSeqOffered = jsonSeqOffered
  }

  /** Whether the device put json_seq in message 2: it accepts packed plaintexts (§7.10). */
  get jsonSeqAccepted(): boolean {
    return this.devicePayload.json_seq === true
  }

  /** Frames received and elements of a packed plaintext, not yet taken with `receive`. */
  get pending(): number {
    return this.socket.pending + this.#elements.length
  }

  /** A fresh request id. */
  nextId(): number {
    return this.#nextId++
  }

  /** Seals one plaintext (a JSON value, or raw bytes) into the next transport frame. */
  seal(message: unknown): Uint8Array {
    return this.#transport.seal(payloadBytes(message))
  }

  /** Seals and sends one JSON-RPC object (or raw plaintext bytes). */
  send(message: unknown): Promise<void> {
    return this.socket.send(this.seal(message))
  }

  /** Seals `messages` into one frame each and sends them in one write (SocketObserver.sendBurst). */
  sendBurst(messages: readonly unknown[]): Promise<void> {
    return this.socket.sendBurst(messages.map((message) => this.seal(message)))
  }

  /**
   * The next message from the device, decrypted and parsed. A text frame, a frame over the
   * client's max_frame, a frame that fails authentication or is not JSON fails the case (§7.5).
   * A packed plaintext (§7.10) gives its elements, one per call, in order.
   */
  async receive(timeoutMs = this.#ctx.timeoutMs): Promise<Received> {
    const element = this.#elements.shift()
    if (element !== undefined) return element
    const event = await this.socket.next(timeoutMs)
    if (event.kind !== 'frame') return event
    const { binary, data } = event.frame
    if (!binary) failCase('the device sent a text frame (§7.5)', 'binary frames only', 'text frame')
    if (data.length > this.#maxFrame) {
      failCase("a device frame exceeds the client's max_frame (§7.5)", this.#maxFrame, data.length)
    }
    let plaintext: Uint8Array
    try {
      plaintext = this.#transport.open(data)
    } catch {
      return failCase('a device frame fails authentication (§7.5)', 'a Noise transport message',
        `${data.length} bytes that do not authenticate`)
    }
    if (isPacked(plaintext)) {
      const values = packedElements(plaintext, this.jsonSeqOffered)
      this.#ctx.record({ step: `a packed plaintext (§7.10) of ${values.length} elements` })
      for (const value of values) this.#elements.push({ kind: 'message', value, size: data.length })
      return this.receive(timeoutMs)
    }
    try {
      return { kind: 'message', value: JSON.parse(utf8Decode(plaintext)) as unknown, size: data.length }
    } catch {
      return failCase('a device frame is not UTF-8 JSON (§7.6)', 'a JSON-RPC object',
        `${plaintext.length} bytes`)
    }
  }

  /**
   * The next JSON-RPC response, skipping device notifications; fails the case on a close or
   * timeout. `step` names the exchange in the report.
   */
  async response(step: string, sent?: unknown): Promise<Record<string, unknown>> {
    for (;;) {
      const received = await this.receive()
      if (received.kind === 'message') {
        const value = received.value as Record<string, unknown>
        if (typeof value === 'object' && value !== null && 'method' in value && !('id' in value)) continue
        this.#ctx.record({ step, sent, actual: value })
        return value
      }
      const actual = received.kind === 'close' ? received.close : 'no frame'
      this.#ctx.record({ step, sent, expected: 'a JSON-RPC response', actual })
      return failCase(`${step}: no response`, 'a JSON-RPC response', actual)
    }
  }

  /** Sends a request for `method` and returns the device's response. */
  async call(method: string, params?: unknown): Promise<Record<string, unknown>> {
    const request = { jsonrpc: '2.0', id: this.nextId(), method, ...(params === undefined ? {} : { params }) }
    await this.send(request)
    return this.response(`call ${method}`, request)
  }
}

/** Sends message 1 on an upgraded socket and reads message 2 (§7.4); fails the case otherwise. */
export async function handshake(
  ctx: CaseContext,
  socket: SocketObserver,
  client: PairedClient,
  options: Message1Options = {},
): Promise<NoiseSession> {
  const { message, handshake: state, jsonSeq } = buildMessage1(client, options)
  await socket.send(message)
  const event = await socket.next(ctx.timeoutMs)
  const actual = event.kind === 'frame' ? `${event.frame.data.length}-byte frame` : event
  ctx.record({ step: 'Noise message 1 → message 2', sent: `${message.length} bytes`, actual })
  if (event.kind !== 'frame') return failCase('no Noise message 2 (§7.4)', 'message 2', actual)
  if (!event.frame.binary) return failCase('message 2 is a text frame (§7.5)', 'binary', 'text')
  let payload: unknown
  try {
    payload = JSON.parse(utf8Decode(state.readMessage(event.frame.data)))
  } catch {
    return failCase('message 2 fails Noise processing or is not JSON (§7.3, §7.4)',
      'a valid Noise message 2', actual)
  }
  const checked = validateMessage('handshake-device-payload', payload)
  if (!checked.ok) failCase(`invalid message 2 payload: ${checked.errors}`, 'handshake-device-payload', payload)
  const maxFrame = options.maxFrame ?? SIZES.noiseMaxMessage
  socket.markHandshakeDone()
  const transport = new NoiseTransport(state.split())
  return new NoiseSession(ctx, socket, transport, payload as DevicePayload, maxFrame, jsonSeq)
}

/** Ticket, upgrade and handshake: an open session for `client`. */
export async function openSession(
  ctx: CaseContext,
  client: PairedClient,
  options: Message1Options & { autoPong?: boolean } = {},
): Promise<NoiseSession> {
  const socket = await openTicketSocket(ctx, await getTicket(ctx, client), options)
  return handshake(ctx, socket, client, options)
}
