/**
 * zaparoo-v1 encrypted WebSocket frames (spec/profiles/zaparoo-v1.md §4, zp-ws-*): per-session
 * keys from HKDF-SHA256 over the pairing key with the client's 16-byte salt, AES-256-GCM with a
 * 16-byte tag appended, nonce = base XOR (0^4 || uint64_BE(counter)), AAD = authToken + ":ws",
 * and one implicit counter per direction that advances only on success and stops at 2^64 − 2.
 */
import { gcm } from '@noble/ciphers/aes.js'
import { expand, extract } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'

export const SALT_BYTES = 16
export const NONCE_BYTES = 12
export const TAG_BYTES = 16
/** Encrypt and Decrypt refuse this counter (facts §3.5 ErrCounterExhausted). */
export const COUNTER_LIMIT = 2n ** 64n - 1n

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

export interface SessionKeys {
  readonly c2sKey: Uint8Array
  readonly s2cKey: Uint8Array
  readonly c2sBase: Uint8Array
  readonly s2cBase: Uint8Array
}

export function sessionKeys(pairingKey: Uint8Array, salt: Uint8Array): SessionKeys {
  const prk = extract(sha256, pairingKey, salt)
  const out = (info: string, n: number): Uint8Array => expand(sha256, prk, utf8(info), n)
  return {
    c2sKey: out('zaparoo-c2s-v1', 32),
    s2cKey: out('zaparoo-s2c-v1', 32),
    c2sBase: out('zaparoo-c2s-nonce-v1', NONCE_BYTES),
    s2cBase: out('zaparoo-s2c-nonce-v1', NONCE_BYTES),
  }
}

export class CounterExhausted extends Error {
  constructor() {
    super('frame counter exhausted')
    this.name = 'CounterExhausted'
  }
}

/** nonce = base with bytes 4..12 XOR uint64_BE(counter); bytes 0..4 unchanged. */
export function frameNonce(base: Uint8Array, counter: bigint): Uint8Array {
  if (counter < 0n || counter >= COUNTER_LIMIT) throw new CounterExhausted()
  const nonce = Uint8Array.from(base)
  for (let i = 0; i < 8; i++) nonce[4 + i]! ^= Number((counter >> BigInt(8 * (7 - i))) & 0xffn)
  return nonce
}

export function frameAad(authToken: string): Uint8Array {
  return utf8(`${authToken}:ws`)
}

export function sealFrame(
  key: Uint8Array,
  base: Uint8Array,
  counter: bigint,
  authToken: string,
  plaintext: Uint8Array,
): Uint8Array {
  return gcm(key, frameNonce(base, counter), frameAad(authToken)).encrypt(plaintext)
}

/** Throws on a failed tag (any noble error) or an exhausted counter. */
export function openFrame(
  key: Uint8Array,
  base: Uint8Array,
  counter: bigint,
  authToken: string,
  sealed: Uint8Array,
): Uint8Array {
  return gcm(key, frameNonce(base, counter), frameAad(authToken)).decrypt(sealed)
}

/** One direction's implicit counter: advances only after a successful seal or open. */
export class FrameCipher {
  private counter = 0n

  constructor(
    private readonly key: Uint8Array,
    private readonly base: Uint8Array,
    private readonly authToken: string,
  ) {}

  get next(): bigint {
    return this.counter
  }

  seal(plaintext: Uint8Array): Uint8Array {
    const out = sealFrame(this.key, this.base, this.counter, this.authToken, plaintext)
    this.counter += 1n
    return out
  }

  open(sealed: Uint8Array): Uint8Array {
    const out = openFrame(this.key, this.base, this.counter, this.authToken, sealed)
    this.counter += 1n
    return out
  }
}
