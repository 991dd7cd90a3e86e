/**
 * Scalars of SPAKE2 over P-256 (RFC 9382 §3.2, §3.3): the secret scalars x and y are drawn
 * uniformly from [1, n - 1] from the platform CSPRNG, and every scalar (x, y, w) is checked to lie
 * in that range before it touches a point, so an injected value can never silently wrap mod n.
 */
import { bytesToNumberBE } from '@noble/curves/utils.js'
import { defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { ProtocolError } from '../errors.ts'
import { n, P256Point, SCALAR_BYTES } from './constants.ts'

/**
 * 16 bytes more than a scalar: reducing a 384-bit integer mod n - 1 leaves a bias below 2^-128
 * (the same margin as RFC 9380 §5 uses for hash_to_field), with no rejection loop.
 */
const RANDOM_SCALAR_BYTES = SCALAR_BYTES + 16

/** Returns `value` when it is an integer in [1, n - 1]; anything else is 'invalid-key'. */
export function requireScalar(value: bigint, name: string): bigint {
  if (typeof value !== 'bigint' || value < 1n || value >= n) {
    throw new ProtocolError('invalid-key', `${name} is not a scalar in [1, n - 1]`)
  }
  return value
}

/** A scalar as a 32-byte big-endian string (the encoding of w in TT, RFC 9382 §3.3). */
export function scalarToBytes(value: bigint): Uint8Array {
  return P256Point.Fn.toBytes(value)
}

/** RFC 9382 §3.3: x (or y) uniformly at random in [1, n - 1]. */
export function randomScalar(backend: CryptoBackend = defaultBackend): bigint {
  const wide = bytesToNumberBE(backend.randomBytes(RANDOM_SCALAR_BYTES))
  return (wide % (n - 1n)) + 1n
}
