/**
 * The SPAKE2 transcript TT (RFC 9382 §3.3, §4). Every field is length-prefixed with an 8-byte
 * little-endian length, so TT parses uniquely whatever the identities contain (empty included).
 */
import { concatBytes, lengthPrefixed } from '../encoding.ts'
import { scalarToBytes } from './scalar.ts'

export interface TranscriptFields {
  /** Identity of A; an arbitrary byte string, possibly empty. */
  A: Uint8Array
  /** Identity of B; an arbitrary byte string, possibly empty. */
  B: Uint8Array
  pA: Uint8Array
  pB: Uint8Array
  K: Uint8Array
  w: bigint
}

/**
 * RFC 9382 §3.3:
 * TT = len(A) || A || len(B) || B || len(pA) || pA || len(pB) || pB || len(K) || K || len(w) || w
 */
export function transcript(fields: TranscriptFields): Uint8Array {
  const { A, B, pA, pB, K, w } = fields
  // RFC 9382 §3.3: w is encoded as a big-endian integer of the scalar length (32 bytes).
  const parts = [A, B, pA, pB, K, scalarToBytes(w)].map(lengthPrefixed)
  return concatBytes(...parts)
}
