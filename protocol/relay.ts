/**
 * The byte layouts of the relay profile (spec §15): the claim message a device signs to hold its
 * slot (§15.3) and the stream frames of a device link (§15.4). Shared by the reference relay, the
 * reference device and client, and the conformance harness, and held to vectors/relay.json.
 */
import { defaultBackend, type CryptoBackend } from './crypto/index.ts'
import { concatBytes, utf8Encode } from './encoding.ts'
import { deviceIdOf, isWellFormedId } from './ids.ts'
import { LABELS, RELAY_FRAME_TYPES, SIZES } from './registry.ts'

/** Spec §15.3: the Host a claim binds to is 1..255 bytes of lowercased ASCII. */
export const MAX_RELAY_HOST_BYTES = 255

export class RelayFormatError extends Error {}

/** The relay's authority as the claim message carries it: lowercased, 1..255 ASCII bytes. */
export function claimHost(host: string): Uint8Array {
  const lowered = host.toLowerCase()
  if (!/^[\x21-\x7e]{1,255}$/.test(lowered)) throw new RelayFormatError('host must be 1..255 ASCII bytes')
  return utf8Encode(lowered)
}

/**
 * claim_message = "pairwire/1 relay claim" || 0x00 || u8(len(host)) || host || challenge || device_id
 * (spec §15.3).
 */
export function claimMessage(host: string, challenge: Uint8Array, deviceId: string): Uint8Array {
  if (challenge.length !== SIZES.relayChallenge) throw new RelayFormatError('challenge must be 32 bytes')
  if (!isWellFormedId('device', deviceId)) throw new RelayFormatError('device_id is not well-formed')
  const hostBytes = claimHost(host)
  return concatBytes(
    utf8Encode(LABELS.relayClaim),
    Uint8Array.of(0, hostBytes.length),
    hostBytes,
    challenge,
    utf8Encode(deviceId),
  )
}

export function signClaim(
  seed: Uint8Array,
  host: string,
  challenge: Uint8Array,
  deviceId: string,
  backend: CryptoBackend = defaultBackend,
): Uint8Array {
  return backend.ed25519Sign(seed, claimMessage(host, challenge, deviceId))
}

export type ClaimVerdict = 'ok' | 'wrong-key' | 'bad-signature'

/** Spec §15.3 step 3, after the schema: the key names `deviceId`, then the signature verifies. */
export function verifyClaim(
  deviceKey: Uint8Array,
  signature: Uint8Array,
  host: string,
  challenge: Uint8Array,
  deviceId: string,
  backend: CryptoBackend = defaultBackend,
): ClaimVerdict {
  if (deviceKey.length !== SIZES.ed25519PublicKey || deviceIdOf(deviceKey, backend) !== deviceId) {
    return 'wrong-key'
  }
  let message: Uint8Array
  try {
    message = claimMessage(host, challenge, deviceId)
  } catch {
    return 'bad-signature'
  }
  return backend.ed25519Verify(deviceKey, message, signature) ? 'ok' : 'bad-signature'
}

export type RelayFrameType = keyof typeof RELAY_FRAME_TYPES

export interface RelayFrame {
  readonly type: RelayFrameType
  readonly stream: number
  readonly body: Uint8Array
}

const TYPE_NAMES = new Map<number, RelayFrameType>(
  Object.entries(RELAY_FRAME_TYPES).map(([name, code]) => [code, name as RelayFrameType]),
)

const MAX_STREAM_ID = 0xffff_ffff

/** type (1) || stream (u32 BE) || body (spec §15.4). */
export function encodeRelayFrame(type: RelayFrameType, stream: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(stream) || stream < 1 || stream > MAX_STREAM_ID) {
    throw new RelayFormatError('stream id must be 1..2^32-1')
  }
  const out = new Uint8Array(SIZES.relayFrameHeader + body.length)
  out[0] = RELAY_FRAME_TYPES[type]
  new DataView(out.buffer).setUint32(1, stream)
  out.set(body, SIZES.relayFrameHeader)
  return out
}

/** The frame, or null when it is shorter than the header, names an unknown type or stream 0. */
export function decodeRelayFrame(bytes: Uint8Array): RelayFrame | null {
  if (bytes.length < SIZES.relayFrameHeader) return null
  const type = TYPE_NAMES.get(bytes[0]!)
  const stream = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1)
  if (type === undefined || stream === 0) return null
  return { type, stream, body: bytes.subarray(SIZES.relayFrameHeader) }
}

/** The body of `open`: resumed (1 byte) || source tag (8 bytes) (spec §15.4). */
export function openBody(resumed: boolean, source: Uint8Array): Uint8Array {
  if (source.length !== SIZES.relaySourceTag) throw new RelayFormatError('source tag must be 8 bytes')
  return concatBytes(Uint8Array.of(resumed ? 1 : 0), source)
}

export function parseOpenBody(body: Uint8Array): { resumed: boolean; source: Uint8Array } | null {
  if (body.length !== 1 + SIZES.relaySourceTag || body[0]! > 1) return null
  return { resumed: body[0] === 1, source: body.subarray(1) }
}

/** Spec §15.4: the source tag, HMAC-SHA256(key, address)[0..7]. */
export function sourceTag(key: Uint8Array, address: string, backend: CryptoBackend = defaultBackend): Uint8Array {
  return backend.hmacSha256(key, utf8Encode(address)).subarray(0, SIZES.relaySourceTag)
}

/** The relay URL (ws:, wss:, http: or https:) of one endpoint with its device_id query. */
export function relayEndpointUrl(relayUrl: string, path: string, deviceId: string): string {
  const url = new URL(path, relayUrl)
  if (url.protocol === 'http:') url.protocol = 'ws:'
  if (url.protocol === 'https:') url.protocol = 'wss:'
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new RelayFormatError('relay URL must be ws, wss, http or https')
  url.search = ''
  url.searchParams.set('device_id', deviceId)
  return url.href
}

/** Spec §15.5: the relayed origin, http:// and the relay's authority. */
export function relayedOrigin(relayUrl: string): string {
  return `http://${new URL(relayUrl).host}`
}
