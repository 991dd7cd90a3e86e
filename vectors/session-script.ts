/**
 * The machinery of the scripted session vectors (spec §7): an honest client and device running
 * Noise_NNpsk0_25519_AESGCM_SHA256 with the Pairwire prologue and fixed ephemerals, which produce
 * the frames, and the step records that say what the receiver of each frame must do.
 */
import { nobleBackend } from '../protocol/crypto/index.ts'
import { base64urlEncode, concatBytes, hexEncode, utf8Encode } from '../protocol/encoding.ts'
import { HandshakeState, NoiseTransport, SymmetricState } from '../protocol/noise/index.ts'
import {
  LABELS, LIMIT_DEFAULTS, METHODS, PROTOCOL_VERSION, RPC_ERRORS, SIZES, type CloseEntry,
} from '../protocol/registry.ts'
import type { SessionVectorFile } from '../schemas/src/vectors.ts'
import { fixedBytes } from './seeds.ts'
import type { TestDraft } from './vector-file.ts'

type Group = SessionVectorFile['testGroups'][number]
export type ScriptTest = TestDraft<Group['tests'][number]>
export type Step = ScriptTest['steps'][number]

const b = nobleBackend
// Spec §7.4: session_id is 16 random bytes.
const SESSION_ID_BYTES = 16

// Spec §7.5: a transport frame is the plaintext and the 16-byte tag.
export const TAG = SIZES.aeadTag

export const rpc = (value: object): string => JSON.stringify({ jsonrpc: '2.0', ...value })
export const ECHO_REQUEST = rpc({ id: 1, method: METHODS.echo, params: { hello: 'device' } })
export const ECHO_RESPONSE = rpc({ id: 1, result: { hello: 'device' } })
export const CLIENT_NOTIFICATION = rpc({ method: METHODS.echo, params: ['no answer expected'] })
export const DEVICE_NOTIFICATION = rpc({ method: 'device.notice', params: { text: 'hi client' } })
export const ECHO_REQUEST_2 = rpc({ id: 'two', method: METHODS.echo, params: [1, 2, 3] })
export const ECHO_RESPONSE_2 = rpc({ id: 'two', result: [1, 2, 3] })
export const NOT_JSON = '{"jsonrpc":"2.0","id":'
export const PARSE_ERROR = rpc({ id: null, error: RPC_ERRORS.parseError })

export const C2D = 'client-to-device'
export const D2C = 'device-to-client'
type Direction = typeof C2D | typeof D2C

export interface SessionParties {
  /** Names the parties in the labels of the fixed inputs. */
  label: string
  clientId: string
  deviceId: string
  prologue: Uint8Array
  psk: Uint8Array
}

export interface ScriptOptions {
  clientPsk?: Uint8Array
  clientPrologue?: Uint8Array
  clientPayload?: string
  devicePayload?: string
  clientMaxFrame?: number
  deviceMaxFrame?: number
  /** Spec §7.4, §7.10: the client offers json_seq in message 1. */
  clientJsonSeq?: boolean
  /** Spec §7.10: the device answers json_seq in message 2 (only when the client offered). */
  deviceJsonSeq?: boolean
}

// Spec §7.4: json_seq is present (and true) or absent, never false.
const jsonSeq = (accepts: boolean) => (accepts ? { json_seq: true } : {})

export const clientPayload = (
  maxFrame: number = LIMIT_DEFAULTS.max_frame,
  accepts = false,
): string => JSON.stringify({ v: PROTOCOL_VERSION, max_frame: maxFrame, ...jsonSeq(accepts) })

export function devicePayload(
  name: string,
  maxFrame: number = LIMIT_DEFAULTS.max_frame,
  accepts = false,
): string {
  const random = fixedBytes(`session ${name} session_id`).subarray(0, SESSION_ID_BYTES)
  const sessionId = base64urlEncode(random)
  return JSON.stringify({
    v: PROTOCOL_VERSION,
    session_id: sessionId,
    max_frame: maxFrame,
    ping_interval: LIMIT_DEFAULTS.ping_interval,
    ...jsonSeq(accepts),
  })
}

interface Completed {
  m2: Uint8Array
  handshakeHash: Uint8Array
  client: NoiseTransport
  device: NoiseTransport
}

/** One scripted session between an honest client and an honest device. */
export class ScriptedSession {
  readonly name: string
  readonly options: ScriptOptions
  readonly clientPayload: string
  readonly devicePayload: string
  readonly clientEphemeral: Uint8Array
  readonly deviceEphemeral: Uint8Array
  /** Noise message 1 as the client writes it. */
  readonly m1: Uint8Array
  readonly #parties: SessionParties
  readonly #client: HandshakeState
  #completed: Completed | null = null

  constructor(parties: SessionParties, name: string, options: ScriptOptions = {}) {
    this.name = name
    this.options = options
    this.#parties = parties
    this.clientPayload =
      options.clientPayload ?? clientPayload(options.clientMaxFrame, options.clientJsonSeq)
    this.devicePayload =
      options.devicePayload ??
      devicePayload(`${parties.label} ${name}`, options.deviceMaxFrame, options.deviceJsonSeq)
    this.clientEphemeral = fixedBytes(`session ${parties.label} ${name} client ephemeral`)
    this.deviceEphemeral = fixedBytes(`session ${parties.label} ${name} device ephemeral`)
    this.#client = new HandshakeState({
      role: 'initiator',
      psk: options.clientPsk ?? parties.psk,
      prologue: options.clientPrologue ?? parties.prologue,
      ephemeralPrivateKey: this.clientEphemeral,
      backend: b,
    })
    this.m1 = this.#client.writeMessage(utf8Encode(this.clientPayload))
  }

  /** Noise message 2 as the device writes it after reading message 1. */
  get m2(): Uint8Array {
    return this.#complete().m2
  }

  /** The next transport frame the client sends with this plaintext. */
  clientFrame(plaintext: string): Uint8Array {
    return this.#complete().client.seal(utf8Encode(plaintext))
  }

  /** The next transport frame the device sends with this plaintext. */
  deviceFrame(plaintext: string): Uint8Array {
    return this.#complete().device.seal(utf8Encode(plaintext))
  }

  /** The test's fields other than steps; handshake_hash once both sides completed it. */
  fields(handshakeComplete: boolean) {
    const { clientPsk, clientPrologue } = this.options
    return {
      client_ephemeral: hexEncode(this.clientEphemeral),
      device_ephemeral: hexEncode(this.deviceEphemeral),
      ...(clientPsk === undefined ? {} : { client_psk: hexEncode(clientPsk) }),
      ...(clientPrologue === undefined ? {} : { client_prologue: hexEncode(clientPrologue) }),
      client_payload: this.clientPayload,
      device_payload: this.devicePayload,
      client_max_frame: this.options.clientMaxFrame ?? LIMIT_DEFAULTS.max_frame,
      device_max_frame: this.options.deviceMaxFrame ?? LIMIT_DEFAULTS.max_frame,
      ...(handshakeComplete ? { handshake_hash: hexEncode(this.#complete().handshakeHash) } : {}),
    }
  }

  /** The device reads message 1 and answers message 2; the client reads it; both Split(). */
  #complete(): Completed {
    if (this.#completed === null) {
      const device = new HandshakeState({
        role: 'responder',
        psk: this.#parties.psk,
        prologue: this.#parties.prologue,
        ephemeralPrivateKey: this.deviceEphemeral,
        backend: b,
      })
      device.readMessage(this.m1)
      const m2 = device.writeMessage(utf8Encode(this.devicePayload))
      this.#client.readMessage(m2)
      this.#completed = {
        m2,
        handshakeHash: device.handshakeHash,
        client: new NoiseTransport(this.#client.split()),
        device: new NoiseTransport(device.split()),
      }
    }
    return this.#completed
  }
}

/**
 * A message 1 whose e is chosen rather than generated (Noise rev 34 §5.3 tokens psk, e, then
 * EncryptAndHash), for an ephemeral public key no private key produces, e.g. a low-order point.
 */
export function forgedMessage1(
  parties: SessionParties,
  e: Uint8Array,
  payload: string,
): Uint8Array {
  const symmetric = new SymmetricState(LABELS.noiseProtocolName, b)
  symmetric.mixHash(parties.prologue)
  symmetric.mixKeyAndHash(parties.psk)
  symmetric.mixHash(e)
  symmetric.mixKey(e)
  return concatBytes(e, symmetric.encryptAndHash(utf8Encode(payload)))
}

const frameFields = (comment: string, direction: Direction, frame: Uint8Array, text: boolean) => ({
  comment,
  direction,
  kind: text ? ('text' as const) : ('binary' as const),
  frame: hexEncode(frame),
})

/**
 * The receiver accepts the frame and delivers `plaintext` (a handshake payload or JSON-RPC);
 * `elements`, for a packed plaintext (spec §7.10), are what it processes of it, in order.
 */
export function deliver(
  comment: string,
  direction: Direction,
  frame: Uint8Array,
  plaintext: string,
  elements?: string[],
): Step {
  return {
    ...frameFields(comment, direction, frame, false),
    outcome: 'deliver',
    plaintext,
    ...(elements === undefined ? {} : { elements }),
  }
}

/** The receiver closes with `entry`'s code and reason and delivers nothing of the frame. */
export function close(
  comment: string,
  direction: Direction,
  frame: Uint8Array,
  entry: CloseEntry,
  options: { text?: boolean } = {},
): Step {
  return {
    ...frameFields(comment, direction, frame, options.text ?? false),
    outcome: 'close',
    close_code: entry.code,
    close_reason: entry.reason,
  }
}

/** The receiver has closed already: the frame is never processed and nothing is delivered. */
export function discard(comment: string, direction: Direction, frame: Uint8Array): Step {
  return { ...frameFields(comment, direction, frame, false), outcome: 'discard' }
}

/** A copy of `frame` with one bit flipped at byte `index` (negative: from the end). */
export function flipBit(frame: Uint8Array, index: number): Uint8Array {
  const out = frame.slice()
  const i = index < 0 ? out.length + index : index
  out[i]! ^= 0x01
  return out
}

export interface Meta {
  comment: string
  flags: string[]
  requirements?: string[]
}

/** A test from its session and steps: valid when every frame is delivered. */
export function script(
  s: ScriptedSession,
  meta: Meta,
  handshakeComplete: boolean,
  steps: Step[],
): ScriptTest {
  const valid = steps.every((step) => step.outcome === 'deliver')
  return {
    ...meta,
    result: valid ? 'valid' : 'invalid',
    ...s.fields(handshakeComplete),
    steps,
  } as ScriptTest
}

/** Steps 1 and 2 of every session that completes its handshake. */
export const handshake = (s: ScriptedSession): Step[] => [
  deliver('Noise message 1', C2D, s.m1, s.clientPayload),
  deliver('Noise message 2', D2C, s.m2, s.devicePayload),
]

/** A script that completes the handshake, then runs `steps`. */
export const afterHandshake = (s: ScriptedSession, m: Meta, ...steps: Step[]): ScriptTest =>
  script(s, m, true, [...handshake(s), ...steps])
