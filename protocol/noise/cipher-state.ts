/**
 * The Noise CipherState (Noise rev 34 §5.1) for the AESGCM cipher functions (§12.4): a key k and
 * a 64-bit nonce n. ENCRYPT(k, n, ad, plaintext) is AES-256-GCM with the 96-bit nonce formed from
 * 32 bits of zeros followed by the big-endian encoding of n, and a 16-byte tag appended.
 *
 * n is held as two uint32 halves so that the per-message path does no bigint arithmetic while the
 * full 64-bit range (SetNonce, exhaustion at 2^64-1) is still represented exactly. Rekey (§11.3)
 * is not used by Pairwire and is not implemented.
 */
import { defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { ProtocolError, type ProtocolErrorCode } from '../errors.ts'

const UINT32_MAX = 0xffff_ffff
const TWO_POW_32 = 1n << 32n
const TWO_POW_64 = 1n << 64n
// §5.1: k is 32 bytes. §12.4: the AES-GCM nonce is 4 zero bytes || n as 8 bytes big-endian.
const KEY_BYTES = 32
const AESGCM_NONCE_BYTES = 12

export class CipherState {
  readonly #backend: CryptoBackend
  #k: Uint8Array | null = null
  // n = nHigh * 2^32 + nLow
  #nHigh = 0
  #nLow = 0

  /** InitializeKey(k) when `k` is given; otherwise k is empty (HasKey() is false). */
  constructor(k: Uint8Array | null = null, backend: CryptoBackend = defaultBackend) {
    this.#backend = backend
    if (k !== null) this.initializeKey(k)
  }

  /** §5.1 InitializeKey(key): sets k = key and n = 0. */
  initializeKey(key: Uint8Array): void {
    if (key.length !== KEY_BYTES) {
      throw new ProtocolError('invalid-length', 'cipher key must be 32 bytes')
    }
    this.#k = key.slice()
    this.#nHigh = 0
    this.#nLow = 0
  }

  /** §5.1 HasKey(). */
  hasKey(): boolean {
    return this.#k !== null
  }

  /** §5.1 SetNonce(nonce); any value in [0, 2^64-1], the reserved maximum included. */
  setNonce(nonce: bigint): void {
    if (nonce < 0n || nonce >= TWO_POW_64) {
      throw new ProtocolError('invalid-state', 'nonce outside the 64-bit range')
    }
    this.#nHigh = Number(nonce / TWO_POW_32)
    this.#nLow = Number(nonce % TWO_POW_32)
  }

  /** The current n, for tests and diagnostics (not on the per-message path). */
  get nonce(): bigint {
    return BigInt(this.#nHigh) * TWO_POW_32 + BigInt(this.#nLow)
  }

  /**
   * Hands k and n over to another implementation of the same CipherState (the browser's
   * AsyncCipherState, async-transport.ts) and empties this one, so the two never encrypt under
   * the same k and n (§5.1: a nonce is never reused with one key).
   */
  handOver(): { key: Uint8Array; nonce: bigint } {
    if (this.#k === null) throw new ProtocolError('invalid-state', 'no key to hand over')
    const handed = { key: this.#k, nonce: this.nonce }
    this.#k = null
    return handed
  }

  /** §5.1 EncryptWithAd(ad, plaintext): ENCRYPT(k, n++, ad, plaintext), or plaintext if no k. */
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.#k === null) return plaintext
    const ciphertext = this.#backend.aes256gcmSeal(this.#k, this.#aesNonce(), ad, plaintext)
    this.#increment()
    return ciphertext
  }

  /**
   * §5.1 DecryptWithAd(ad, ciphertext): DECRYPT(k, n++, ad, ciphertext), or ciphertext if no k.
   * On an authentication failure n is not incremented and `failure` is thrown: transport messages
   * report 'frame-auth-failed', the handshake (SymmetricState) reports 'handshake-failed'.
   */
  decryptWithAd(
    ad: Uint8Array,
    ciphertext: Uint8Array,
    failure: ProtocolErrorCode = 'frame-auth-failed',
  ): Uint8Array {
    if (this.#k === null) return ciphertext
    const plaintext = this.#backend.aes256gcmOpen(this.#k, this.#aesNonce(), ad, ciphertext)
    if (plaintext === null) throw new ProtocolError(failure)
    this.#increment()
    return plaintext
  }

  /**
   * Tells the backend which operation the next call makes with (k, n), so that it can prepare
   * it off the path of the next message (CryptoBackend.aes256gcmAhead). A transport CipherState
   * only ever seals or only ever opens, with an empty AD (§7.5); nothing changes on the wire.
   */
  ahead(operation: 'seal' | 'open'): void {
    if (this.#k === null || this.#backend.aes256gcmAhead === undefined || this.#exhausted()) return
    this.#backend.aes256gcmAhead(this.#k, aesGcmNonce(this.#nHigh, this.#nLow), operation)
  }

  /** §5.1: n = 2^64-1 is reserved, so once n reaches it every further call is an error. */
  #aesNonce(): Uint8Array {
    if (this.#exhausted()) throw new ProtocolError('nonce-exhausted')
    return aesGcmNonce(this.#nHigh, this.#nLow)
  }

  #exhausted(): boolean {
    return this.#nHigh === UINT32_MAX && this.#nLow === UINT32_MAX
  }

  #increment(): void {
    if (this.#nLow === UINT32_MAX) {
      this.#nLow = 0
      this.#nHigh++
    } else {
      this.#nLow++
    }
  }
}

/** §12.4: 32 bits of zeros || n (= hi * 2^32 + lo) as 64 bits big-endian. */
export function aesGcmNonce(hi: number, lo: number): Uint8Array {
  const nonce = new Uint8Array(AESGCM_NONCE_BYTES)
  nonce[4] = hi >>> 24
  nonce[5] = (hi >>> 16) & 0xff
  nonce[6] = (hi >>> 8) & 0xff
  nonce[7] = hi & 0xff
  nonce[8] = lo >>> 24
  nonce[9] = (lo >>> 16) & 0xff
  nonce[10] = (lo >>> 8) & 0xff
  nonce[11] = lo & 0xff
  return nonce
}
