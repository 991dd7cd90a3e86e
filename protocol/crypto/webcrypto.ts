/**
 * WebCrypto (W3C Web Cryptography API, `crypto.subtle`) for the primitives a browser may offer
 * natively: AES-256-GCM everywhere, X25519 and Ed25519 only in newer engines, so each is
 * feature-detected and noble stands in for any that is missing. WebCrypto is asynchronous, so it
 * cannot sit behind the synchronous CryptoBackend (backend.ts); it is offered as AsyncPrimitives,
 * which the browser client uses for the Noise DH and transport (HandshakeState.*Async,
 * AsyncNoiseTransport) and for request signatures (signRequestAsync). Held to noble's results
 * (webcrypto.test.ts) and to the external vectors (noise/async-vectors.test.ts,
 * httpsig/rfc9421-async.test.ts); the browser page measures it against noble.
 * No Node built-ins: `subtle` is a parameter (globalThis.crypto.subtle by default).
 */
import { nobleBackend } from './noble.ts'

export interface WebCryptoSupport {
  readonly aesGcm: boolean
  readonly x25519: boolean
  readonly ed25519: boolean
}

export type Primitive = 'aesGcm' | 'x25519' | 'ed25519'

/** One AES-256-GCM key, imported once: the session transport seals and opens many frames with it. */
export interface AeadKey {
  seal(nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>
  /** The plaintext, or null when authentication fails. */
  open(nonce: Uint8Array, ad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array | null>
}

export interface X25519KeyPair {
  readonly privateKey: Uint8Array
  readonly publicKey: Uint8Array
}

interface Operations {
  aes256gcmKey(key: Uint8Array): Promise<AeadKey>
  x25519KeyPair(): Promise<X25519KeyPair>
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>
}

/**
 * The primitives the browser client (its Noise DH and transport, its request signatures) and the
 * page's benchmark use, each from WebCrypto or noble.
 */
export interface AsyncPrimitives extends Operations {
  /** Which implementation each primitive uses. */
  readonly sources: Readonly<Record<Primitive, 'webcrypto' | 'noble'>>
  /**
   * Operations run so far by this object, per primitive (an AES-GCM seal or open, an X25519 key
   * pair or DH, an Ed25519 sign or verify): how the page shows which backend did the work.
   */
  readonly counts: Readonly<Record<Primitive, number>>
  aes256gcmSeal(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>
  aes256gcmOpen(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array | null>
}

// RFC 8410 §7 PKCS#8 wrappings of a raw 32-byte private key: WebCrypto imports private
// X25519/Ed25519 keys only as pkcs8 or jwk.
const PKCS8_PREFIX = {
  x25519: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]),
  ed25519: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]),
}
const pkcs8 = (kind: keyof typeof PKCS8_PREFIX, raw: Uint8Array): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(48)
  out.set(PKCS8_PREFIX[kind])
  out.set(raw, 16)
  return out
}
// WebCrypto takes BufferSource; a copy gives an ArrayBuffer-backed view whatever the input's buffer.
const buf = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => Uint8Array.from(bytes)

const defaultSubtle = (): SubtleCrypto | undefined => globalThis.crypto?.subtle

async function attempt(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe()
    return true
  } catch {
    return false
  }
}

/**
 * Which of the three primitives `subtle` implements, each probed with one real operation; null
 * (or a platform without crypto.subtle, e.g. a page not in a secure context) has none.
 */
export async function detectWebCrypto(
  subtle: SubtleCrypto | null | undefined = defaultSubtle(),
): Promise<WebCryptoSupport> {
  if (subtle === null || subtle === undefined) return { aesGcm: false, x25519: false, ed25519: false }
  const zeros = new Uint8Array(32)
  const [aesGcm, x25519, ed25519] = await Promise.all([
    attempt(async () => {
      const key = await subtle.importKey('raw', zeros, 'AES-GCM', false, ['encrypt'])
      await subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, zeros)
    }),
    attempt(() => subtle.generateKey({ name: 'X25519' }, false, ['deriveBits'])),
    attempt(async () => {
      const key = await subtle.importKey('pkcs8', pkcs8('ed25519', zeros), { name: 'Ed25519' }, false, ['sign'])
      await subtle.sign({ name: 'Ed25519' }, key, zeros)
    }),
  ])
  return { aesGcm, x25519, ed25519 }
}

const noble = nobleBackend

const nobleOperations: Operations = {
  aes256gcmKey: async (key) => {
    const k = key.slice()
    return {
      seal: async (nonce, ad, plaintext) => noble.aes256gcmSeal(k, nonce, ad, plaintext),
      open: async (nonce, ad, sealed) => noble.aes256gcmOpen(k, nonce, ad, sealed),
    }
  },
  x25519KeyPair: async () => {
    const privateKey = noble.randomBytes(32)
    return { privateKey, publicKey: noble.x25519PublicKey(privateKey) }
  },
  x25519: async (priv, pub) => noble.x25519(priv, pub),
  ed25519Sign: async (seed, m) => noble.ed25519Sign(seed, m),
  ed25519Verify: async (pub, m, sig) => noble.ed25519Verify(pub, m, sig),
}

function webOperations(subtle: SubtleCrypto): Operations {
  const gcm = (nonce: Uint8Array, ad: Uint8Array) => ({ name: 'AES-GCM', iv: buf(nonce), additionalData: buf(ad), tagLength: 128 })
  return {
    async aes256gcmKey(raw) {
      const key = await subtle.importKey('raw', buf(raw), 'AES-GCM', false, ['encrypt', 'decrypt'])
      return {
        seal: async (nonce, ad, plaintext) => new Uint8Array(await subtle.encrypt(gcm(nonce, ad), key, buf(plaintext))),
        async open(nonce, ad, sealed) {
          try {
            return new Uint8Array(await subtle.decrypt(gcm(nonce, ad), key, buf(sealed)))
          } catch {
            return null
          }
        },
      }
    },
    async x25519KeyPair() {
      // Extractable: the Noise HandshakeState holds e as raw bytes (and wipes them after Split).
      const pair = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair
      const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey))
      const privateKey = new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey)).slice(PKCS8_PREFIX.x25519.length)
      return { privateKey, publicKey }
    },
    async x25519(privateKey, publicKey) {
      const priv = await subtle.importKey('pkcs8', pkcs8('x25519', privateKey), { name: 'X25519' }, false, ['deriveBits'])
      const pub = await subtle.importKey('raw', buf(publicKey), { name: 'X25519' }, false, [])
      return new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256))
    },
    async ed25519Sign(seed, message) {
      const key = await subtle.importKey('pkcs8', pkcs8('ed25519', seed), { name: 'Ed25519' }, false, ['sign'])
      return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, buf(message)))
    },
    async ed25519Verify(publicKey, message, signature) {
      if (publicKey.length !== 32 || signature.length !== 64) return false
      try {
        const key = await subtle.importKey('raw', buf(publicKey), { name: 'Ed25519' }, false, ['verify'])
        return await subtle.verify({ name: 'Ed25519' }, key, buf(signature), buf(message))
      } catch {
        return false
      }
    },
  }
}

/** Each primitive from `web` where `support` has it, else from noble, every operation counted. */
function combine(support: WebCryptoSupport, web: Operations): AsyncPrimitives {
  const pick = (p: Primitive): Operations => (support[p] ? web : nobleOperations)
  const counts: Record<Primitive, number> = { aesGcm: 0, x25519: 0, ed25519: 0 }
  const counted = <A extends unknown[], R>(p: Primitive, f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => {
      counts[p]++
      return f(...a)
    }
  const aesKey = async (raw: Uint8Array): Promise<AeadKey> => {
    const key = await pick('aesGcm').aes256gcmKey(raw)
    return { seal: counted('aesGcm', key.seal), open: counted('aesGcm', key.open) }
  }
  return {
    sources: {
      aesGcm: support.aesGcm ? 'webcrypto' : 'noble',
      x25519: support.x25519 ? 'webcrypto' : 'noble',
      ed25519: support.ed25519 ? 'webcrypto' : 'noble',
    },
    counts,
    aes256gcmKey: aesKey,
    aes256gcmSeal: async (key, nonce, ad, plaintext) => (await aesKey(key)).seal(nonce, ad, plaintext),
    aes256gcmOpen: async (key, nonce, ad, sealed) => (await aesKey(key)).open(nonce, ad, sealed),
    x25519KeyPair: counted('x25519', () => pick('x25519').x25519KeyPair()),
    x25519: counted('x25519', (priv: Uint8Array, pub: Uint8Array) => pick('x25519').x25519(priv, pub)),
    ed25519Sign: counted('ed25519', (seed: Uint8Array, m: Uint8Array) => pick('ed25519').ed25519Sign(seed, m)),
    ed25519Verify: counted('ed25519', (pub: Uint8Array, m: Uint8Array, sig: Uint8Array) =>
      pick('ed25519').ed25519Verify(pub, m, sig)),
  }
}

const NONE: WebCryptoSupport = { aesGcm: false, x25519: false, ed25519: false }

/** Only noble, as async calls: the baseline the page measures WebCrypto against. */
export const noblePrimitives: AsyncPrimitives = combine(NONE, nobleOperations)

/** WebCrypto for each primitive `support` says it has, noble for the others (a fresh count). */
export function webCryptoPrimitives(
  support: WebCryptoSupport,
  subtle: SubtleCrypto = defaultSubtle()!,
): AsyncPrimitives {
  return combine(support, support === NONE ? nobleOperations : webOperations(subtle))
}

let shared: Promise<AsyncPrimitives> | undefined

/**
 * The browser client's primitives: what this platform's crypto.subtle offers, probed once per
 * page (detectWebCrypto), noble for the rest. One instance per page, so its counts show what
 * every session and signed request of the page used.
 */
export function browserPrimitives(): Promise<AsyncPrimitives> {
  shared ??= detectWebCrypto().then((support) => {
    const subtle = defaultSubtle()
    return subtle === undefined ? combine(NONE, nobleOperations) : webCryptoPrimitives(support, subtle)
  })
  return shared
}

/** Operations per second of each primitive, for the page's table (not a test: a measurement). */
export async function measurePrimitives(
  primitives: AsyncPrimitives,
  budgetMs = 150,
  now: () => number = () => performance.now(),
): Promise<Record<string, number>> {
  const key = new Uint8Array(32).fill(7)
  const nonce = new Uint8Array(12)
  const kib = new Uint8Array(1024).fill(1)
  const seed = new Uint8Array(32).fill(9)
  const pub = noble.ed25519PublicKey(seed)
  const sealed = await primitives.aes256gcmSeal(key, nonce, new Uint8Array(0), kib)
  const sig = await primitives.ed25519Sign(seed, kib)
  const peer = noble.x25519PublicKey(seed)
  const cases: Record<string, () => Promise<unknown>> = {
    'AES-256-GCM seal 1 KiB': () => primitives.aes256gcmSeal(key, nonce, new Uint8Array(0), kib),
    'AES-256-GCM open 1 KiB': () => primitives.aes256gcmOpen(key, nonce, new Uint8Array(0), sealed),
    X25519: () => primitives.x25519(key, peer),
    'Ed25519 sign': () => primitives.ed25519Sign(seed, kib),
    'Ed25519 verify': () => primitives.ed25519Verify(pub, kib, sig),
  }
  const out: Record<string, number> = {}
  for (const [name, run] of Object.entries(cases)) {
    let n = 0
    const start = now()
    while (now() - start < budgetMs) {
      await run()
      n++
    }
    out[name] = Math.round((n * 1000) / (now() - start))
  }
  return out
}
