/**
 * zaparoo-v1 key schedule and confirmation (spec/profiles/zaparoo-v1.md §3, zp-keys-*):
 * HKDF-SHA256 (RFC 5869 §2.2, §2.3) with salt msgA || msgB over the PAKE key K, and the
 * HMAC-SHA256 confirmation over the length-prefixed transcript
 * LP("zaparoo-v1") || LP("p256") || LP(role) || LP(name) || LP(msgA) || LP(msgB).
 */
import { expand, extract } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes } from '@noble/hashes/utils.js'

export const PROTOCOL_LABEL = 'zaparoo-v1'
export const CURVE_LABEL = 'p256'
export const KEY_BYTES = 32

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

export interface PairingKeys {
  readonly confirmKeyA: Uint8Array
  readonly confirmKeyB: Uint8Array
  readonly pairingKey: Uint8Array
}

/** prk = HKDF-Extract(salt = msgA || msgB, IKM = K); three 32-byte expansions. */
export function pairingKeys(K: Uint8Array, msgA: Uint8Array, msgB: Uint8Array): PairingKeys {
  const prk = extract(sha256, K, concatBytes(msgA, msgB))
  const out = (info: string): Uint8Array => expand(sha256, prk, utf8(info), KEY_BYTES)
  return {
    confirmKeyA: out('zaparoo-confirm-A'),
    confirmKeyB: out('zaparoo-confirm-B'),
    pairingKey: out('zaparoo-pairing-v1'),
  }
}

/** LP(x): 4-byte big-endian length, then x. */
export function lengthPrefixed(x: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + x.length)
  new DataView(out.buffer).setUint32(0, x.length, false)
  out.set(x, 4)
  return out
}

export type ConfirmRole = 'client' | 'server'

/** The confirmation HMAC; key confirmKeyA for "client", confirmKeyB for "server". */
export function confirmationMac(
  key: Uint8Array,
  role: ConfirmRole,
  name: string,
  msgA: Uint8Array,
  msgB: Uint8Array,
): Uint8Array {
  const transcript = concatBytes(
    ...[utf8(PROTOCOL_LABEL), utf8(CURVE_LABEL), utf8(role), utf8(name), msgA, msgB].map(
      lengthPrefixed,
    ),
  )
  return hmac(sha256, key, transcript)
}
