/**
 * The Node backend: node:crypto (OpenSSL). Used automatically on Node because it is much faster
 * than the portable backend (see `npm run bench:core`). Raw keys are wrapped in their fixed
 * PKCS#8 / SPKI DER prefixes (RFC 8410 §7, §4) because node:crypto takes only KeyObjects for
 * X25519 and Ed25519.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'
import type { CryptoBackend } from './backend.ts'

// RFC 8410: DER prefixes of a PKCS#8 private key and an SPKI public key for each curve OID.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')

function privateKeyObject(prefix: Buffer, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError('private key must be 32 bytes')
  return createPrivateKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'pkcs8' })
}

function publicKeyObject(prefix: Buffer, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError('public key must be 32 bytes')
  return createPublicKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'spki' })
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' })
  return new Uint8Array(der.subarray(der.length - 32))
}

const toBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
const TAG_LENGTH = 16

export const nodeBackend: CryptoBackend = {
  name: 'node',
  sha256: (data) => toBytes(createHash('sha256').update(data).digest()),
  hmacSha256: (key, data) => toBytes(createHmac('sha256', key).update(data).digest()),
  hkdfExtract: (salt, ikm) =>
    toBytes(createHmac('sha256', salt.length === 0 ? new Uint8Array(32) : salt).update(ikm).digest()),
  hkdfExpand(prk, info, length) {
    if (length > 255 * 32) throw new RangeError('HKDF output too long')
    const out = new Uint8Array(length)
    let t: Uint8Array = new Uint8Array(0)
    for (let i = 0, offset = 0; offset < length; i++) {
      const h = createHmac('sha256', prk).update(t).update(info).update(Uint8Array.of(i + 1))
      t = toBytes(h.digest())
      out.set(t.subarray(0, Math.min(32, length - offset)), offset)
      offset += 32
    }
    return out
  },
  aes256gcmSeal(key, nonce, ad, plaintext) {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH })
    cipher.setAAD(ad)
    const head = cipher.update(plaintext)
    const tail = cipher.final()
    return toBytes(Buffer.concat([head, tail, cipher.getAuthTag()]))
  },
  aes256gcmOpen(key, nonce, ad, sealed) {
    if (sealed.length < TAG_LENGTH) return null
    const split = sealed.length - TAG_LENGTH
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH })
    decipher.setAAD(ad)
    decipher.setAuthTag(sealed.subarray(split))
    const head = decipher.update(sealed.subarray(0, split))
    try {
      return toBytes(Buffer.concat([head, decipher.final()]))
    } catch {
      return null
    }
  },
  x25519PublicKey: (privateKey) =>
    rawPublicKey(createPublicKey(privateKeyObject(X25519_PKCS8_PREFIX, privateKey))),
  x25519: (privateKey, publicKey) =>
    toBytes(
      diffieHellman({
        privateKey: privateKeyObject(X25519_PKCS8_PREFIX, privateKey),
        publicKey: publicKeyObject(X25519_SPKI_PREFIX, publicKey),
      }),
    ),
  ed25519PublicKey: (seed) =>
    rawPublicKey(createPublicKey(privateKeyObject(ED25519_PKCS8_PREFIX, seed))),
  ed25519Sign: (seed, message) =>
    toBytes(sign(null, message, privateKeyObject(ED25519_PKCS8_PREFIX, seed))),
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      return verify(null, message, publicKeyObject(ED25519_SPKI_PREFIX, publicKey), signature)
    } catch {
      return false
    }
  },
  randomBytes: (length) => toBytes(randomBytes(length)),
}
