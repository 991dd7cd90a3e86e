/**
 * The one small interface behind which the primitives live (DESIGN §2). Two implementations are
 * held to the same external vectors and cross-checked byte for byte: `noble` (portable, used in
 * browsers) and `node` (node:crypto, several times faster on Node). All calls are synchronous,
 * which is what Node's client, server and harness use. The browser client's asynchronous path
 * (WebCrypto where the browser has the primitive) is AsyncPrimitives, webcrypto.ts.
 * SPAKE2's P-256 point arithmetic is not here: it always uses @noble/curves.
 */

export interface CryptoBackend {
  readonly name: 'noble' | 'node'
  sha256(data: Uint8Array): Uint8Array
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array
  /** RFC 5869 HKDF-Extract with SHA-256; an empty salt means 32 zero bytes (§2.2). */
  hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array
  /** RFC 5869 HKDF-Expand with SHA-256; length at most 255 * 32. */
  hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array
  /** AES-256-GCM seal: returns ciphertext || 16-byte tag. */
  aes256gcmSeal(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array
  /** AES-256-GCM open: returns the plaintext, or null when authentication fails. */
  aes256gcmOpen(
    key: Uint8Array,
    nonce: Uint8Array,
    ad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array | null
  /**
   * Optional: told the nonce a key will seal (or open) next, a backend may make that operation's
   * context ahead of time, off the path of the message. Only a call with exactly this key, nonce
   * and an empty AAD may use it, and only once.
   */
  aes256gcmAhead?(key: Uint8Array, nonce: Uint8Array, operation: 'seal' | 'open'): void
  x25519PublicKey(privateKey: Uint8Array): Uint8Array
  /** Raw X25519 (RFC 7748 §5); the all-zero output check is the caller's (Noise §12.1 note). */
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array
  ed25519PublicKey(seed: Uint8Array): Uint8Array
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array
  /** Returns false (never throws) for a bad signature, a bad key or wrong lengths. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
  randomBytes(length: number): Uint8Array
}

/** HKDF-SHA256 (RFC 5869 §2) composed from a backend's extract and expand. */
export function hkdfSha256(
  backend: CryptoBackend,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return backend.hkdfExpand(backend.hkdfExtract(salt, ikm), info, length)
}
