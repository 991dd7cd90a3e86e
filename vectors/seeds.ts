/**
 * The deterministic inputs of the vector generator. Every key, scalar, ephemeral, nonce and
 * ticket in the generated files is derived from a fixed label, so the files depend only on the
 * generator's code and never on a clock or a random number generator:
 *
 *     fixedBytes(label) = SHA-256("pairwire/1 vectors " || label)
 *
 * Real implementations draw all of these from a CSPRNG (spec §5.5, §7.4, §8.2).
 */
import { p256 } from '@noble/curves/nist.js'
import { nobleBackend } from '../protocol/crypto/index.ts'
import { base64urlEncode, utf8Encode } from '../protocol/encoding.ts'
import { SIZES } from '../protocol/registry.ts'

const LABEL_PREFIX = 'pairwire/1 vectors '

/** P-256 group order n (spec §5.5). */
export const GROUP_ORDER: bigint = p256.Point.Fn.ORDER

/** 32 bytes fixed by `label`. */
export function fixedBytes(label: string): Uint8Array {
  return nobleBackend.sha256(utf8Encode(LABEL_PREFIX + label))
}

/** A SPAKE2 scalar in [1, n - 1] fixed by `label`: (OS2IP(fixedBytes(label)) mod (n - 1)) + 1. */
export function fixedScalar(label: string): bigint {
  let value = 0n
  for (const byte of fixedBytes(label)) value = (value << 8n) | BigInt(byte)
  return (value % (GROUP_ORDER - 1n)) + 1n
}

/** An RFC 9421 nonce for the Pairwire profile: base64url of 16 bytes fixed by `label`. */
export function fixedNonce(label: string): string {
  return base64urlEncode(fixedBytes(label).subarray(0, SIZES.signatureNonce))
}

/** Bytes 0, 1, ..., 31 offset by `start`: the seeds of the spec's worked examples (spec §3.2). */
export function countingBytes(start: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (start + i) & 0xff)
}

/** A 32-byte big-endian scalar from its hex spelling (the spec's worked example, §5.6). */
export function scalarFromHex(hex: string): bigint {
  return BigInt('0x' + hex)
}
