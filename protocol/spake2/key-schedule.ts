/**
 * The SPAKE2 key schedule and key confirmation (RFC 9382 §4) with SHA-256, HKDF-SHA256 and
 * HMAC-SHA256: Ke || Ka = Hash(TT); KcA || KcB = KDF with salt nil, IKM Ka and info
 * "ConfirmationKeys" || AAD; cA = MAC(KcA, TT), cB = MAC(KcB, TT). Every primitive goes through
 * a CryptoBackend.
 */
import { defaultBackend, hkdfSha256, type CryptoBackend } from '../crypto/index.ts'
import { concatBytes, constantTimeEqual, utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { CONFIRMATION_KEYS_INFO } from './constants.ts'

export interface KeySchedule {
  /** Hash(TT), 32 bytes. */
  hashTT: Uint8Array
  /** The shared secret Ke: first half of Hash(TT). */
  Ke: Uint8Array
  /** The authentication key Ka: second half of Hash(TT). */
  Ka: Uint8Array
  /** A's confirmation key: first half of the KDF output. */
  KcA: Uint8Array
  /** B's confirmation key: second half of the KDF output. */
  KcB: Uint8Array
}

const CONFIRMATION_KEYS_PREFIX = utf8Encode(CONFIRMATION_KEYS_INFO)

/** RFC 9382 §4. `aad` is appended to the KDF info; empty for the RFC's own test vectors. */
export function keySchedule(
  TT: Uint8Array,
  aad: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): KeySchedule {
  const hashTT = backend.sha256(TT)
  const half = hashTT.length / 2
  const Ka = hashTT.slice(half)
  // RFC 9382 §4: the KDF salt is nil, which HKDF (RFC 5869 §2.2) treats as HashLen zero bytes.
  const info = concatBytes(CONFIRMATION_KEYS_PREFIX, aad)
  const Kc = hkdfSha256(backend, Ka, new Uint8Array(0), info, hashTT.length)
  return {
    hashTT,
    Ke: hashTT.slice(0, half),
    Ka,
    KcA: Kc.slice(0, half),
    KcB: Kc.slice(half),
  }
}

/** RFC 9382 §4: cA = MAC(KcA, TT) and cB = MAC(KcB, TT). */
export function confirmationMac(
  Kc: Uint8Array,
  TT: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): Uint8Array {
  return backend.hmacSha256(Kc, TT)
}

/** Checks a peer's confirmation MAC in constant time; a mismatch is 'confirmation-failed'. */
export function verifyConfirmation(
  Kc: Uint8Array,
  TT: Uint8Array,
  mac: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): void {
  if (!constantTimeEqual(confirmationMac(Kc, TT, backend), mac)) {
    throw new ProtocolError('confirmation-failed')
  }
}
