/**
 * The client side of the session handshake (spec §7.3, §7.4): Noise NNpsk0 as initiator with
 * psk = pairing key and prologue = sessionPrologue(client_id, device_id). Message 1 carries the
 * handshake-client-payload; the device's first frame must be message 2 carrying a valid
 * handshake-device-payload, verified before anything is sent (spec §7.4). Anything else closes
 * the socket with the code of spec §7.9: a text frame, or one shorter than e and a tag, is
 * malformed-frame; one over the Noise maximum is frame-too-large; any other frame that fails
 * Noise, or whose payload is not a valid handshake-device-payload (including another `v`), is
 * handshake-failed. So application data sent in clear before message 2, which cannot
 * authenticate, is refused and never delivered.
 */
import type { AsyncPrimitives, CryptoBackend } from '../protocol/crypto/index.ts'
import { utf8Decode, utf8Encode } from '../protocol/encoding.ts'
import { isProtocolError } from '../protocol/errors.ts'
import {
  AsyncNoiseTransport,
  HandshakeState,
  NoiseTransport,
  sessionPrologue,
} from '../protocol/noise/index.ts'
import { CLOSES, PROTOCOL_VERSION, SIZES, type CloseEntry } from '../protocol/registry.ts'
import { validateMessage, type Message } from '../schemas/validate.ts'
import type { Credentials } from './credentials.ts'
import { ClientError } from './errors.ts'
import type { Frame, SocketChannel } from './socket-channel.ts'
import { clientFault } from './faults.ts'
import type { CipherState } from '../protocol/noise/index.ts'

/** The largest frame this client accepts, advertised in message 1: the Noise maximum. */
export const CLIENT_MAX_FRAME = SIZES.noiseMaxMessage

export interface Handshaken {
  /** Synchronous on Node; asynchronous (WebCrypto AES-GCM) when the client runs on primitives. */
  readonly transport: NoiseTransport | AsyncNoiseTransport
  readonly device: Message<'handshake-device-payload'>
  /** The receiving CipherState, kept only for the accept-counter-skip fault switch. */
  readonly receive?: CipherState
  /** Whether message 1 offered json_seq: the device may then send packed plaintexts (§7.10). */
  readonly offeredJsonSeq: boolean
}

/** What message 1 offers beyond max_frame. */
export interface HandshakeOffer {
  /** json_seq: the client accepts packed plaintexts from the device (spec §7.10). */
  readonly jsonSeq: boolean
}

/** Why message 2 is refused, and the close code that says so. */
class Refusal extends Error {
  constructor(
    readonly close: CloseEntry,
    readonly detail?: unknown,
  ) {
    super(close.name)
  }
}

/** Parsed JSON of UTF-8 bytes, or undefined. */
export function jsonOf(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8Decode(bytes))
  } catch {
    return undefined
  }
}

/** Noise ReadMessage on message 2, each failure mapped to its close code (spec §7.5). */
async function readMessage2(
  handshake: HandshakeState,
  frame: Frame,
  primitives: AsyncPrimitives | undefined,
): Promise<Uint8Array> {
  if (typeof frame === 'string') throw new Refusal(CLOSES.malformedFrame)
  try {
    if (primitives === undefined) return handshake.readMessage(frame)
    return await handshake.readMessageAsync(frame, primitives.x25519)
  } catch (error) {
    if (isProtocolError(error, 'frame-too-short')) throw new Refusal(CLOSES.malformedFrame, error)
    if (isProtocolError(error, 'frame-too-large')) throw new Refusal(CLOSES.frameTooLarge, error)
    throw new Refusal(CLOSES.handshakeFailed, error)
  }
}

function devicePayload(payload: Uint8Array): Message<'handshake-device-payload'> {
  if (clientFault('skip-message-2-payload-check')) {
    const value = jsonOf(payload) as Message<'handshake-device-payload'> | undefined
    return { v: 1, session_id: '', max_frame: 65535, ping_interval: 30, ...value }
  }
  const checked = validateMessage('handshake-device-payload', jsonOf(payload))
  if (checked.ok) return checked.value
  // Spec §7.4: unlike the device, which answers an unsupported `v` in message 1 with
  // unsupported-version, the client closes on every payload failure with handshake-failed.
  throw new Refusal(CLOSES.handshakeFailed, checked.errors)
}

/** e from the primitives (WebCrypto generateKey where it has X25519), or left to the backend. */
async function ephemeralOf(pairingKey: Uint8Array, primitives: AsyncPrimitives | undefined) {
  // The reuse-ephemeral fault switch: e derived from the pairing key, the same every session.
  if (clientFault('reuse-ephemeral')) return { ephemeralPrivateKey: pairingKey.slice() }
  return primitives === undefined ? {} : { ephemeralKeyPair: await primitives.x25519KeyPair() }
}

/**
 * Runs the handshake on an open channel; on failure the channel is closed with the code. With
 * `primitives` (browsers) e, DH(e, re) and the transport's AES-GCM come from them; the handshake
 * payloads' AES-GCM and the hashing stay on `backend` (two small messages, not worth an await).
 */
export async function clientHandshake(
  channel: SocketChannel,
  credentials: Credentials,
  pairingKey: Uint8Array,
  backend: CryptoBackend,
  offer: HandshakeOffer,
  primitives?: AsyncPrimitives,
): Promise<Handshaken> {
  const prologue = sessionPrologue(credentials.client_id, credentials.device_id)
  const ephemeral = await ephemeralOf(pairingKey, primitives)
  const handshake = new HandshakeState({ role: 'initiator', psk: pairingKey, prologue, backend, ...ephemeral })
  const base = { v: PROTOCOL_VERSION, max_frame: CLIENT_MAX_FRAME }
  const payload = offer.jsonSeq ? { ...base, json_seq: true } : base
  channel.send(handshake.writeMessage(utf8Encode(JSON.stringify(payload))))
  const frame = await channel.nextFrame()
  try {
    const device = devicePayload(await readMessage2(handshake, frame, primitives))
    const ciphers = handshake.split()
    if (primitives !== undefined) {
      const transport = await AsyncNoiseTransport.from(ciphers, primitives.aes256gcmKey)
      return { transport, device, offeredJsonSeq: offer.jsonSeq }
    }
    return { transport: new NoiseTransport(ciphers), device, receive: ciphers.receive, offeredJsonSeq: offer.jsonSeq }
  } catch (error) {
    const refusal = error instanceof Refusal ? error : new Refusal(CLOSES.handshakeFailed, error)
    channel.close(refusal.close.code, refusal.close.reason)
    throw ClientError.verification('noise-message-2', refusal.detail ?? refusal.close.name)
  }
}
