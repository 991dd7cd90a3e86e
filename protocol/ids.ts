/**
 * device_id and client_id (spec §3.2): a prefix plus base64url of the first 16 bytes of SHA-256
 * of the party's 32-byte Ed25519 public key. Anyone holding the key can recompute the id, so an id
 * is verifiable, and two keys collide only with probability about 2^-64 over 2^32 keys.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { defaultBackend, type CryptoBackend } from './crypto/index.ts'
import { base64urlDecode, base64urlEncode, utf8Encode } from './encoding.ts'
import { ProtocolError } from './errors.ts'
import { LABELS, SIZES } from './registry.ts'

export type IdKind = 'device' | 'client'

function prefixOf(kind: IdKind): string {
  return kind === 'device' ? LABELS.deviceIdPrefix : LABELS.clientIdPrefix
}

export function fingerprintId(
  kind: IdKind,
  publicKey: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): string {
  if (publicKey.length !== SIZES.ed25519PublicKey) {
    throw new ProtocolError('invalid-length', 'Ed25519 public key must be 32 bytes')
  }
  const digest = backend.sha256(publicKey).subarray(0, SIZES.idFingerprint)
  return prefixOf(kind) + base64urlEncode(digest)
}

export const deviceIdOf = (key: Uint8Array, b?: CryptoBackend): string => fingerprintId('device', key, b)
export const clientIdOf = (key: Uint8Array, b?: CryptoBackend): string => fingerprintId('client', key, b)

/** Checks the syntax of an id (prefix + 22 base64url chars that decode canonically to 16 bytes). */
export function isWellFormedId(kind: IdKind, id: unknown): id is string {
  if (typeof id !== 'string' || !id.startsWith(prefixOf(kind))) return false
  try {
    base64urlDecode(id.slice(prefixOf(kind).length), SIZES.idFingerprint)
    return true
  } catch {
    return false
  }
}

/** The ASCII bytes of an id, as they enter the Noise prologue (spec §7.3). */
export const idBytes = (id: string): Uint8Array => utf8Encode(id)

/**
 * Spec §5.7 pw-pair-5.7-client-key: a client key a device accepts at pair/start is the strict
 * (RFC 8032 §5.1.3) encoding of a curve point outside the small-order subgroup. A small-order key
 * (0^32 among them, a point of order 4) has signatures that verify for many messages at once
 * under a lax verifier, and its client_id names no one who holds a secret key.
 */
export function isAcceptableClientKey(key: Uint8Array): boolean {
  try {
    return !ed25519.Point.fromBytes(key).isSmallOrder()
  } catch {
    return false
  }
}
