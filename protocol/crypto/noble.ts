/**
 * The portable backend: @noble/hashes, @noble/ciphers and @noble/curves only, so it runs in any
 * JavaScript engine with a CSPRNG (browsers included). No Node built-ins.
 */
import { gcm } from '@noble/ciphers/aes.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { expand, extract } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import type { CryptoBackend } from './backend.ts'

export const nobleBackend: CryptoBackend = {
  name: 'noble',
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfExtract: (salt, ikm) => extract(sha256, ikm, salt),
  hkdfExpand: (prk, info, length) => expand(sha256, prk, info, length),
  aes256gcmSeal: (key, nonce, ad, plaintext) => gcm(key, nonce, ad).encrypt(plaintext),
  aes256gcmOpen(key, nonce, ad, sealed) {
    try {
      return gcm(key, nonce, ad).decrypt(sealed)
    } catch {
      return null
    }
  },
  x25519PublicKey: (privateKey) => x25519.getPublicKey(privateKey),
  x25519: (privateKey, publicKey) => x25519.getSharedSecret(privateKey, publicKey),
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      return ed25519.verify(signature, message, publicKey)
    } catch {
      return false
    }
  },
  randomBytes: (length) => randomBytes(length),
}
