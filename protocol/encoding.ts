/**
 * Byte encodings used on the Pairwire wire (spec §2): strict base64url without padding, lowercase
 * hex, UTF-8, the 8-byte little-endian length prefix of RFC 9382 §3.3, and constant-time equality.
 * Decoders are strict: there is exactly one accepted spelling of every byte string, so a value can
 * be compared, hashed or logged in encoded form without canonicalisation bugs.
 */
import { ProtocolError } from './errors.ts'

const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const B64URL_VALUE = new Int16Array(128).fill(-1)
for (let i = 0; i < B64URL_ALPHABET.length; i++) B64URL_VALUE[B64URL_ALPHABET.charCodeAt(i)] = i

// Pure TypeScript, no Buffer: protocol/ also runs in browsers (the reference client).
export function base64urlEncode(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += B64URL_ALPHABET[n >>> 18]! + B64URL_ALPHABET[(n >>> 12) & 63]!
    out += B64URL_ALPHABET[(n >>> 6) & 63]! + B64URL_ALPHABET[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += B64URL_ALPHABET[n >>> 18]! + B64URL_ALPHABET[(n >>> 12) & 63]!
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += B64URL_ALPHABET[n >>> 18]! + B64URL_ALPHABET[(n >>> 12) & 63]!
    out += B64URL_ALPHABET[(n >>> 6) & 63]!
  }
  return out
}

/**
 * Decodes base64url without padding (RFC 4648 §5, §3.2). Rejects padding, any character outside
 * the alphabet, a length of 1 mod 4, and non-zero unused trailing bits (non-canonical spellings).
 * With `expectedLength`, also rejects a decoded value of any other length.
 */
export function base64urlDecode(text: string, expectedLength?: number): Uint8Array {
  if (typeof text !== 'string') throw new ProtocolError('invalid-encoding', 'not a string')
  if (text.length % 4 === 1) throw new ProtocolError('invalid-encoding', 'impossible length')
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 128 || B64URL_VALUE[c] === -1) {
      throw new ProtocolError('invalid-encoding', 'character outside the base64url alphabet')
    }
  }
  const tail = text.length % 4
  if (tail !== 0) {
    // 2 chars carry 12 bits for 1 byte (4 unused), 3 chars carry 18 bits for 2 bytes (2 unused).
    const last = B64URL_VALUE[text.charCodeAt(text.length - 1)]!
    const unusedMask = tail === 2 ? 0x0f : 0x03
    if ((last & unusedMask) !== 0) {
      throw new ProtocolError('invalid-encoding', 'non-canonical trailing bits')
    }
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let bits = 0
  let acc = 0
  let o = 0
  for (let i = 0; i < text.length; i++) {
    acc = ((acc << 6) | B64URL_VALUE[text.charCodeAt(i)]!) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >>> bits) & 0xff
    }
  }
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new ProtocolError('invalid-length', `expected ${expectedLength} bytes, got ${out.length}`)
  }
  return out
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function hexEncode(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]!]!
  return out
}

/** Decodes lowercase or uppercase hex of even length; anything else is a typed error. */
export function hexDecode(text: string, expectedLength?: number): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new ProtocolError('invalid-encoding', 'not hex')
  }
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16)
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new ProtocolError('invalid-length', `expected ${expectedLength} bytes, got ${out.length}`)
  }
  return out
}

const textEncoder = new TextEncoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function utf8Encode(text: string): Uint8Array {
  return textEncoder.encode(text)
}

/** Decodes UTF-8, rejecting invalid sequences instead of substituting U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes)
  } catch {
    throw new ProtocolError('invalid-encoding', 'invalid UTF-8')
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** RFC 9382 §3.3: len(X) || X with len as an 8-byte little-endian integer. */
export function lengthPrefixed(value: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + value.length)
  new DataView(out.buffer).setBigUint64(0, BigInt(value.length), true)
  out.set(value, 8)
  return out
}

/** Constant-time equality: the time taken depends only on the lengths, never on the contents. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
