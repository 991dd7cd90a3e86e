/**
 * Encoded value types shared by the Pairwire 1 message schemas (spec §2, §3): canonical
 * base64url of an exact byte length, device and client ids, the PIN, times and durations. Each
 * is a TypeBox schema whose JSON Schema form uses only draft 2020-12 keywords, so any validator
 * (ajv here, other languages elsewhere) enforces exactly what protocol/encoding.ts decodes.
 */
import Type from 'typebox'
import { LABELS, SIZES } from '../../protocol/registry.ts'

const B64URL_CHAR = '[A-Za-z0-9_-]'
// RFC 4648 §3.5 canonical encoding: the unused low bits of the last character are zero. The last
// character of 1 trailing byte carries 2 data bits + 4 zero bits (values 0, 16, 32, 48); of 2
// trailing bytes, 4 data bits + 2 zero bits (every multiple of 4).
const LAST_CHAR_OF_1_TRAILING_BYTE = '[AQgw]'
const LAST_CHAR_OF_2_TRAILING_BYTES = '[AEIMQUYcgkosw048]'

/**
 * The regular expression (as a string, anchored) matching exactly the canonical unpadded
 * base64url spellings of n-byte values: ceil(4n/3) characters, no `=`, zero unused bits.
 */
export function base64urlOfLength(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('byte length must be a natural number')
  const fullGroups = Math.floor(n / 3) * 4
  const body = (count: number): string => (count === 0 ? '' : `${B64URL_CHAR}{${count}}`)
  switch (n % 3) {
    case 1:
      return `^${body(fullGroups + 1)}${LAST_CHAR_OF_1_TRAILING_BYTE}$`
    case 2:
      return `^${body(fullGroups + 2)}${LAST_CHAR_OF_2_TRAILING_BYTES}$`
    default:
      return `^${body(fullGroups)}$`
  }
}

/** A value of exactly `bytes` bytes, as canonical unpadded base64url (spec §2). */
export function Base64url(bytes: number, description: string) {
  return Type.String({ pattern: base64urlOfLength(bytes), description })
}

/** `text` as a regular expression source matching exactly itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function idPattern(prefix: string): string {
  return `^${escapeRegExp(prefix)}${base64urlOfLength(SIZES.idFingerprint).slice(1)}`
}

/** device_id (spec §3.2): "pwd_" + base64url of the first 16 bytes of SHA-256(device key). */
export const DeviceId = Type.String({
  pattern: idPattern(LABELS.deviceIdPrefix),
  description: 'device_id: prefix + base64url(SHA-256(device Ed25519 public key)[0..16])',
})

/** client_id (spec §3.2): "pwc_" + base64url of the first 16 bytes of SHA-256(client key). */
export const ClientId = Type.String({
  pattern: idPattern(LABELS.clientIdPrefix),
  description: 'client_id: prefix + base64url(SHA-256(client Ed25519 public key)[0..16])',
})

/** An Ed25519 public key (RFC 8032 §5.1.5), 32 raw bytes (spec §3.1). */
export const Ed25519PublicKey = Base64url(SIZES.ed25519PublicKey, 'Ed25519 public key, 32 bytes')

/**
 * The 20 trivial PINs a device never generates (spec §5): one digit repeated, and the runs
 * stepping by +1 or -1 without wrapping (protocol/spake2/pin.ts isTrivialPin).
 */
export const TRIVIAL_PINS: readonly string[] = Array.from({ length: 10 }, (_, d) => {
  const run = (step: number) => Array.from({ length: SIZES.pin }, (_, i) => d + step * i)
  return [run(0), run(1), run(-1)].filter((digits) => digits.every((x) => x >= 0 && x <= 9))
}).flatMap((runs) => runs.map((digits) => digits.join('')))

/** A PIN as a device generates it (spec §5): six ASCII digits, never a trivial one. */
export const GeneratedPin = Type.String({
  pattern: `^[0-9]{${SIZES.pin}}$`,
  not: { enum: TRIVIAL_PINS },
  description: 'six ASCII digits, not one of the 20 trivial PINs',
})

/** An integer in [minimum, maximum]; spec §2.4 bounds every Pairwire integer by 2^53 − 1. */
export function Int(minimum: number, maximum: number = Number.MAX_SAFE_INTEGER) {
  return Type.Integer({ minimum, maximum })
}

/** A point in time (spec §2.7): integer seconds since the Unix epoch. */
export const UnixTime = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'seconds since the Unix epoch',
})

/** A human-readable party name (spec §4, §5): 1 to 64 Unicode code points. */
export const NAME_MAX_LENGTH = 64
export const DisplayName = Type.String({ minLength: 1, maxLength: NAME_MAX_LENGTH })
