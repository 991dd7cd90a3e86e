/**
 * The Node backend: node:crypto (OpenSSL). Used automatically on Node because it is much faster
 * than the portable backend (see `npm run bench:core`). node:crypto takes only KeyObjects for
 * X25519 and Ed25519, so raw keys are imported as JWK (RFC 8037 §2) and their KeyObjects reused.
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
  type CipherGCM,
  type DecipherGCM,
  type KeyObject,
} from 'node:crypto'
import { constantTimeEqual } from '../encoding.ts'
import type { CryptoBackend } from './backend.ts'

type OkpCurve = 'X25519' | 'Ed25519'

/**
 * Raw 32-byte keys are imported as JWK (RFC 8037 OKP): node:crypto builds the key from `d` (or
 * `x`) alone, while DER goes through OpenSSL's decoders, about 10x slower (measured on Node 20:
 * PKCS#8 810 µs, JWK 80 µs per private key; SPKI 195 µs, JWK 26 µs per public key). For a private
 * key `x` must be a string but is not read, so it is left empty. The backend vector tests pin the
 * results to the noble backend's.
 */
function importKey(crv: OkpCurve, raw: Uint8Array, kind: 'private' | 'public'): KeyObject {
  if (raw.length !== 32) throw new RangeError(`${kind} key must be 32 bytes`)
  const encoded = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url')
  if (kind === 'public') {
    return createPublicKey({ key: { kty: 'OKP', crv, x: encoded }, format: 'jwk' })
  }
  return createPrivateKey({ key: { kty: 'OKP', crv, d: encoded, x: '' }, format: 'jwk' })
}

/**
 * The KeyObject of a raw key, remembered per Uint8Array so a key used again (the device's
 * identity key, an ephemeral key used for e and then for ee) is imported once. An entry lives
 * exactly as long as the caller's array, and a copy of the bytes guards against an array that
 * was changed since.
 */
const imported = new WeakMap<Uint8Array, { bytes: Uint8Array; key: KeyObject }>()

function keyObject(crv: OkpCurve, raw: Uint8Array, kind: 'private' | 'public'): KeyObject {
  const hit = imported.get(raw)
  const reusable =
    hit !== undefined &&
    hit.key.type === kind &&
    hit.key.asymmetricKeyType === crv.toLowerCase() &&
    constantTimeEqual(hit.bytes, raw)
  if (reusable) return hit.key
  const key = importKey(crv, raw, kind)
  imported.set(raw, { bytes: raw.slice(), key })
  return key
}

const privateKeyObject = (crv: OkpCurve, raw: Uint8Array) => keyObject(crv, raw, 'private')
const publicKeyObject = (crv: OkpCurve, raw: Uint8Array) => keyObject(crv, raw, 'public')

function rawPublicKey(key: KeyObject): Uint8Array {
  const { x } = key.export({ format: 'jwk' })
  return new Uint8Array(Buffer.from(x!, 'base64url'))
}

const toBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
const TAG_LENGTH = 16

/**
 * The context made ahead for a key's next nonce (aes256gcmAhead). Making one is most of a small
 * message's AES-GCM cost on node:crypto (a new OpenSSL context and key schedule per IV, see
 * README "What the security costs"); made in setImmediate, that is after the current turn has
 * written its frames and before the event loop waits for the next message, it is off the path
 * of the message it serves. One entry per key: the hint names the nonce the CipherState will
 * use next, a new hint replaces an older one, and a context is used at most once, for exactly
 * that key, nonce and operation with an empty AAD, so no IV is ever used twice. A context
 * costs about 1.9 KB of RSS; a transport hints only after a message has gone each way, so a
 * session holds at most two and one idle since its handshake none.
 */
interface Ahead {
  nonce: Uint8Array | null
  operation: 'seal' | 'open'
  context: CipherGCM | DecipherGCM | null
  scheduled: boolean
}

const ahead = new WeakMap<Uint8Array, Ahead>()
let aheadUsed = 0

/** How many seals and opens so far used a context made ahead (for tests and diagnostics). */
export const aheadContextsUsed = (): number => aheadUsed

/** A new AES-256-GCM context for one message: node:crypto's only way to use a new IV. */
function newContext(key: Uint8Array, nonce: Uint8Array, operation: 'seal'): CipherGCM
function newContext(key: Uint8Array, nonce: Uint8Array, operation: 'open'): DecipherGCM
function newContext(key: Uint8Array, nonce: Uint8Array, operation: 'seal' | 'open'): CipherGCM | DecipherGCM
function newContext(key: Uint8Array, nonce: Uint8Array, operation: 'seal' | 'open') {
  const options = { authTagLength: TAG_LENGTH }
  return operation === 'seal'
    ? createCipheriv('aes-256-gcm', key, nonce, options)
    : createDecipheriv('aes-256-gcm', key, nonce, options)
}

function takeAhead(key: Uint8Array, nonce: Uint8Array, operation: 'seal'): CipherGCM | undefined
function takeAhead(key: Uint8Array, nonce: Uint8Array, operation: 'open'): DecipherGCM | undefined
function takeAhead(key: Uint8Array, nonce: Uint8Array, operation: 'seal' | 'open') {
  const next = ahead.get(key)
  if (next === undefined || next.nonce === null) return undefined
  const matches = next.operation === operation && constantTimeEqual(next.nonce, nonce)
  const context = matches ? next.context : null
  // Whatever was hinted for this key is spent or stale once the key is used.
  next.nonce = null
  next.context = null
  if (context === null) return undefined
  aheadUsed++
  return context
}

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
  // A context per message (newContext), made ahead when the transport said which comes next.
  // The per-message work is kept to that: an empty AAD (every Noise transport message) is not passed, which GCM defines as
  // the same, and GCM's final() outputs no bytes, so update()'s output is used without a copy.
  aes256gcmSeal(key, nonce, ad, plaintext) {
    const cipher =
      (ad.length === 0 ? takeAhead(key, nonce, 'seal') : undefined) ?? newContext(key, nonce, 'seal')
    if (ad.length > 0) cipher.setAAD(ad)
    const ciphertext = cipher.update(plaintext)
    cipher.final()
    const sealed = Buffer.concat([ciphertext, cipher.getAuthTag()], ciphertext.length + TAG_LENGTH)
    return toBytes(sealed)
  },
  aes256gcmOpen(key, nonce, ad, sealed) {
    if (sealed.length < TAG_LENGTH) return null
    const split = sealed.length - TAG_LENGTH
    const decipher =
      (ad.length === 0 ? takeAhead(key, nonce, 'open') : undefined) ?? newContext(key, nonce, 'open')
    if (ad.length > 0) decipher.setAAD(ad)
    decipher.setAuthTag(sealed.subarray(split))
    const plaintext = decipher.update(sealed.subarray(0, split))
    try {
      decipher.final()
    } catch {
      return null
    }
    return toBytes(plaintext)
  },
  aes256gcmAhead(key, nonce, operation) {
    let next = ahead.get(key)
    if (next === undefined) {
      next = { nonce, operation, context: null, scheduled: false }
      ahead.set(key, next)
    }
    next.nonce = nonce
    next.operation = operation
    next.context = null
    if (next.scheduled) return
    next.scheduled = true
    const entry = next
    setImmediate(() => {
      entry.scheduled = false
      if (entry.nonce !== null && entry.context === null) {
        entry.context = newContext(key, entry.nonce, entry.operation)
      }
    })
  },
  x25519PublicKey: (privateKey) =>
    rawPublicKey(createPublicKey(privateKeyObject('X25519', privateKey))),
  x25519: (privateKey, publicKey) =>
    toBytes(
      diffieHellman({
        privateKey: privateKeyObject('X25519', privateKey),
        publicKey: publicKeyObject('X25519', publicKey),
      }),
    ),
  ed25519PublicKey: (seed) =>
    rawPublicKey(createPublicKey(privateKeyObject('Ed25519', seed))),
  ed25519Sign: (seed, message) =>
    toBytes(sign(null, message, privateKeyObject('Ed25519', seed))),
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      return verify(null, message, publicKeyObject('Ed25519', publicKey), signature)
    } catch {
      return false
    }
  },
  randomBytes: (length) => toBytes(randomBytes(length)),
}
