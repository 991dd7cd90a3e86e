/**
 * Turns a SessionCase (arbitraries.ts) into a session on the wire (spec §7): a ticket of the
 * case's kind, an opening handshake, Noise message 1 as the NNpsk0 initiator (or something that
 * is not), then the case's frames, ending with a Close 1000 from the client. It reports what the
 * device did: the upgrade's answer, the code of the device's first Close frame, whether the
 * device ended the connection, and which close codes the frames sent make legitimate.
 */
import { randomBytes } from 'node:crypto'
import { base64urlDecode, utf8Encode } from '../../protocol/encoding.ts'
import { HandshakeState, NoiseTransport, sessionPrologue } from '../../protocol/noise/index.ts'
import { CLOSES, METHODS, PATHS, PROTOCOL_VERSION, SIZES } from '../../protocol/registry.ts'
import { requestTicket } from '../../reference-client/index.ts'
import type { FrameAction, OpeningKind, SessionCase, Violation } from './arbitraries.ts'
import { applyByteEdit, type HttpDriver } from './http-driver.ts'
import type { RawResponse } from './raw-http.ts'
import {
  closePayload,
  encodeFrame,
  OPCODE,
  upgrade,
  type FrameSpec,
  type RawSession,
} from './raw-websocket.ts'

const TIMEOUT_MS = 3000
/** RFC 6455 §7.4.1: the code the WebSocket layer closes with on a protocol error. */
export const WEBSOCKET_PROTOCOL_ERROR = 1002
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
/** The close codes of the registry that a device may send (internal-error never). */
const DEVICE_CLOSES = Object.values(CLOSES)
  .filter((entry) => entry !== CLOSES.internalError)
  .map((entry) => entry.code)

export interface SessionOutcome {
  readonly expectedUpgrade: boolean
  readonly status: number
  readonly response?: RawResponse
  /** The device's first Close frame: its code, null without one. */
  readonly closeCode?: number | null
  readonly ended?: boolean
  readonly allowedCloses: ReadonlySet<number>
}

const VIOLATIONS: Record<Violation, FrameSpec> = {
  unmasked: { opcode: OPCODE.binary, payload: randomBytes(64), masked: false },
  rsv: { opcode: OPCODE.binary, payload: randomBytes(64), rsv: 4 },
  'reserved-opcode': { opcode: 3, payload: randomBytes(8) },
  'long-control': { opcode: OPCODE.ping, payload: randomBytes(126) },
  'fragmented-control': { opcode: OPCODE.ping, payload: randomBytes(4), fin: false },
  'orphan-continuation': { opcode: OPCODE.continuation, payload: randomBytes(8) },
  'bad-close-code': { opcode: OPCODE.close, payload: closePayload(1005) },
}

function openingHandshake(port: number, target: string, kind: OpeningKind): Uint8Array {
  const key = kind === 'bad-key' ? 'not-a-key' : randomBytes(16).toString('base64')
  const lines = [
    `${kind === 'post' ? 'POST' : 'GET'} ${target} HTTP/1.1`,
    `host: 127.0.0.1:${port}`,
    `upgrade: ${kind === 'no-upgrade-token' ? 'h2c' : 'websocket'}`,
    'connection: Upgrade',
    `sec-websocket-key: ${key}`,
    `sec-websocket-version: ${kind === 'bad-version' ? '8' : '13'}`,
  ]
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n')
}

/** One character of `ticket` replaced by another of the alphabet. */
function mutated(ticket: string, at: number): string {
  const i = at % ticket.length
  const other = BASE64URL[(BASE64URL.indexOf(ticket[i]!) + 1 + (at % 63)) % 64]!
  return ticket.slice(0, i) + other + ticket.slice(i + 1)
}

/** The client's side of one session script. */
class Script {
  readonly allowed = new Set(DEVICE_CLOSES)
  #transport: NoiseTransport | null = null
  /** The frames of the current action, and those of the last action that sent any. */
  #current: Buffer[] = []
  #previous: Buffer[] = []
  #nextId = 1

  constructor(
    readonly session: RawSession,
    readonly maxFrame: number,
  ) {}

  send(spec: FrameSpec): void {
    const frame = encodeFrame(spec)
    this.#current.push(frame)
    this.session.send(frame)
  }

  binary(payload: Uint8Array): void {
    this.send({ opcode: OPCODE.binary, payload })
  }

  /** A sealed echo request; random bytes of a similar size before the handshake is done. */
  sealed(params: unknown = ['fuzz']): Uint8Array {
    const request = { jsonrpc: '2.0', id: this.#nextId++, method: METHODS.echo, params }
    return this.seal(utf8Encode(JSON.stringify(request)))
  }

  seal(plaintext: Uint8Array): Uint8Array {
    return this.#transport?.seal(plaintext) ?? randomBytes(plaintext.length + SIZES.aeadTag)
  }

  /** Noise message 1 of the case's kind; message 2 read back when the device answers one. */
  async messageOne(c: SessionCase, psk: Uint8Array, prologue: Uint8Array): Promise<void> {
    if (c.messageOne === 'none') return
    if (c.messageOne === 'garbage' || c.messageOne === 'short') {
      // §7.5: 48 bytes is the shortest message 1 (e and a tag).
      this.binary(c.messageOne === 'garbage' ? c.garbage : c.garbage.subarray(0, 47))
      return
    }
    const noise = new HandshakeState({ role: 'initiator', psk, prologue })
    const v = c.messageOne === 'wrong-version' ? PROTOCOL_VERSION + 1 : PROTOCOL_VERSION
    const valid = { v, max_frame: SIZES.noiseMaxMessage }
    const payload = c.messageOne === 'bad-payload' ? c.payload : valid
    this.binary(noise.writeMessage(utf8Encode(JSON.stringify(payload))))
    const message2 = await this.session.nextMessage(TIMEOUT_MS)
    if (message2 === undefined) return
    noise.readMessage(message2)
    this.#transport = new NoiseTransport(noise.split())
  }

  frame(action: FrameAction): void {
    this.#current = []
    this.#act(action)
    if (this.#current.length > 0) this.#previous = this.#current
  }

  #act(action: FrameAction): void {
    switch (action.kind) {
      case 'rpc':
        return this.binary(this.sealed(action.params))
      case 'sealed-text':
        return this.binary(this.seal(utf8Encode(action.text)))
      case 'tampered':
        return this.binary(applyByteEdit(this.sealed(), action.edit))
      case 'replay':
        // The whole previous message again (both fragments of a fragmented one).
        for (const frame of this.#previous) this.session.send(frame)
        return
      case 'skip':
        this.sealed()
        return
      case 'fragmented': {
        const message = this.sealed(action.params)
        const half = message.length >> 1
        this.send({ opcode: OPCODE.binary, payload: message.subarray(0, half), fin: false })
        return this.send({ opcode: OPCODE.continuation, payload: message.subarray(half) })
      }
      case 'text':
        return this.send({ opcode: OPCODE.text, payload: action.bytes })
      case 'empty':
        return this.binary(new Uint8Array(0))
      case 'binary':
        return this.binary(action.bytes)
      case 'oversize':
        return this.binary(randomBytes(this.maxFrame + action.extra))
      case 'ping':
        return this.send({ opcode: OPCODE.ping, payload: action.bytes })
      case 'violation':
        this.allowed.add(WEBSOCKET_PROTOCOL_ERROR)
        return this.send(VIOLATIONS[action.violation])
      case 'close':
        // Spec §7.9 pw-sess-7.9-close-answer: the device answers any Close with 1000 normal.
        return this.send({ opcode: OPCODE.close, payload: closePayload(action.code) })
    }
  }
}

export class SessionDriver {
  readonly #http: HttpDriver
  readonly #port: number
  readonly #deviceId: string
  readonly #maxFrame: number
  #usedTicket = ''

  constructor(http: HttpDriver, url: string, deviceId: string, maxFrame: number) {
    this.#http = http
    this.#port = Number(new URL(url).port)
    this.#deviceId = deviceId
    this.#maxFrame = maxFrame
  }

  async run(c: SessionCase): Promise<SessionOutcome> {
    const fresh = (await requestTicket(this.#http.credentials)).ticket
    const queries: Record<SessionCase['ticket'], string> = {
      fresh: `?ticket=${fresh}`,
      used: `?ticket=${this.#usedTicket}`,
      mutated: `?ticket=${mutated(fresh, c.randomTicket.length)}`,
      random: `?ticket=${encodeURIComponent(c.randomTicket)}`,
      none: '',
      empty: '?ticket=',
      twice: `?ticket=${fresh}&ticket=${fresh}`,
    }
    const request = openingHandshake(this.#port, PATHS.websocket + queries[c.ticket], c.opening)
    const expectedUpgrade = c.ticket === 'fresh' && c.opening === 'valid'
    const answer = await upgrade(this.#port, request, TIMEOUT_MS)
    if (!('session' in answer)) {
      const { status, response } = answer
      return { expectedUpgrade, status, response, allowedCloses: new Set() }
    }
    this.#usedTicket = fresh
    const script = new Script(answer.session, this.#maxFrame)
    const psk = base64urlDecode(this.#http.credentials.pairing_key, SIZES.pairingKey)
    const prologue = sessionPrologue(this.#http.credentials.client_id, this.#deviceId)
    await script.messageOne(c, psk, prologue)
    for (const action of c.frames) script.frame(action)
    script.send({ opcode: OPCODE.close, payload: closePayload(CLOSES.normal.code) })
    const ended = await answer.session.endAndWait(TIMEOUT_MS)
    const closeCode = answer.session.closeCode ?? null
    return { expectedUpgrade, status: 101, closeCode, ended, allowedCloses: script.allowed }
  }
}
