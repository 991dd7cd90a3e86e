/**
 * The SPAKE2 password scalar w of Pairwire (spec §5.5): w = hash_to_field(PIN, count = 1) of
 * RFC 9380 §5.2 with expand_message_xmd (RFC 9380 §5.3.1) over SHA-256, the DST
 * LABELS.spake2PasswordDst, modulus the P-256 group order n (not the field prime: w is a scalar),
 * m = 1 and k = 128, so L = ceil((ceil(log2(n)) + k) / 8) = 48 bytes are reduced mod n.
 * RFC 9382 §3.2 asks for w from a memory-hard function; a six-digit PIN has 20 bits of entropy
 * whatever the function, so Pairwire relies on the single-guess pairing window instead.
 */
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { LABELS } from '../registry.ts'
import { n } from './constants.ts'
import { isPinSyntax } from './pin.ts'
import { scalarToBytes } from './scalar.ts'

/** RFC 9380 §5.2 security parameter k: 128 bits, the strength of P-256. */
const SECURITY_BITS = 128

export interface PasswordScalar {
  /** w as an integer in [1, n - 1]. */
  w: bigint
  /** w as 32-byte big-endian, as it appears in TT. */
  wBytes: Uint8Array
}

/**
 * Derives w from a PIN of six ASCII digits. Triviality is not checked here: a client derives w
 * from whatever PIN its user typed, and only the device refuses trivial PINs (pin.ts).
 */
export function passwordScalar(pin: string): PasswordScalar {
  if (!isPinSyntax(pin)) throw new ProtocolError('invalid-pin', 'PIN must be six ASCII digits')
  const [[w]] = hash_to_field(utf8Encode(pin), 1, {
    DST: LABELS.spake2PasswordDst,
    p: n,
    m: 1,
    k: SECURITY_BITS,
    expand: 'xmd',
    hash: sha256,
  }) as [[bigint]]
  // w = 0 would make the share independent of the PIN; it happens with probability about 2^-256.
  if (w === 0n) throw new ProtocolError('invalid-pin', 'PIN maps to the scalar 0')
  return { w, wBytes: scalarToBytes(w) }
}
