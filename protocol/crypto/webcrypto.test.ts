/**
 * The WebCrypto primitives (webcrypto.ts) give noble's results byte for byte, on Node's WebCrypto,
 * which has AES-GCM, X25519 and Ed25519; a subtle without X25519 or Ed25519 is detected as such
 * and noble stands in for exactly those; refusals (bad tag, bad signature, wrong lengths) are
 * null/false, never exceptions.
 */
import { webcrypto } from 'node:crypto'
import fc from 'fast-check'
import t from 'tap'
import { nobleBackend as noble } from './noble.ts'
import {
  detectWebCrypto,
  measurePrimitives,
  noblePrimitives,
  webCryptoPrimitives,
} from './webcrypto.ts'

const subtle = webcrypto.subtle as unknown as SubtleCrypto
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })

t.test('Node offers all three primitives', async (t) => {
  t.same(await detectWebCrypto(subtle), { aesGcm: true, x25519: true, ed25519: true })
  t.same(await detectWebCrypto(null), { aesGcm: false, x25519: false, ed25519: false })
})

t.test('WebCrypto and noble agree', async (t) => {
  const web = webCryptoPrimitives(await detectWebCrypto(subtle), subtle)
  t.same(web.sources, { aesGcm: 'webcrypto', x25519: 'webcrypto', ed25519: 'webcrypto' })
  await fc.assert(
    fc.asyncProperty(bytes(32), bytes(12), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }),
      async (key, nonce, ad, plaintext) => {
        const sealed = await web.aes256gcmSeal(key, nonce, ad, plaintext)
        t.same(sealed, noble.aes256gcmSeal(key, nonce, ad, plaintext))
        t.same(await web.aes256gcmOpen(key, nonce, ad, sealed), plaintext)
        sealed[sealed.length - 1]! ^= 1
        t.equal(await web.aes256gcmOpen(key, nonce, ad, sealed), null, 'a flipped tag bit fails')
      }),
    { numRuns: 25 },
  )
  await fc.assert(
    fc.asyncProperty(bytes(32), bytes(32), fc.uint8Array({ maxLength: 100 }), async (a, b, message) => {
      t.same(await web.x25519(a, noble.x25519PublicKey(b)), noble.x25519(a, noble.x25519PublicKey(b)))
      const signature = await web.ed25519Sign(a, message)
      t.same(signature, noble.ed25519Sign(a, message), 'Ed25519 is deterministic (RFC 8032 §5.1.6)')
      const publicKey = noble.ed25519PublicKey(a)
      t.ok(await web.ed25519Verify(publicKey, message, signature))
      signature[0]! ^= 1
      t.notOk(await web.ed25519Verify(publicKey, message, signature))
    }),
    { numRuns: 15 },
  )
  t.notOk(await web.ed25519Verify(new Uint8Array(31), new Uint8Array(0), new Uint8Array(64)))
  t.notOk(await web.ed25519Verify(new Uint8Array(32).fill(0xff), new Uint8Array(0), new Uint8Array(64)))
})

t.test('a browser without X25519 and Ed25519 uses noble for those only', async (t) => {
  const partial = new Proxy(subtle, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const algorithm = args.find((a) => typeof a === 'object' && a !== null && 'name' in a) as { name?: string } | undefined
        if (algorithm?.name === 'X25519' || algorithm?.name === 'Ed25519') {
          return Promise.reject(new DOMException('not supported', 'NotSupportedError'))
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  const support = await detectWebCrypto(partial)
  t.same(support, { aesGcm: true, x25519: false, ed25519: false })
  const mixed = webCryptoPrimitives(support, partial)
  t.same(mixed.sources, { aesGcm: 'webcrypto', x25519: 'noble', ed25519: 'noble' })
  const seed = new Uint8Array(32).fill(3)
  t.same(await mixed.ed25519Sign(seed, Uint8Array.of(1)), noble.ed25519Sign(seed, Uint8Array.of(1)))
  t.same(await mixed.x25519(seed, noble.x25519PublicKey(seed)), noble.x25519(seed, noble.x25519PublicKey(seed)))
})

t.test('measurePrimitives counts operations of every primitive', async (t) => {
  let clock = 0
  const figures = await measurePrimitives(noblePrimitives, 10, () => (clock += 1))
  t.same(Object.keys(figures).sort(), [
    'AES-256-GCM open 1 KiB', 'AES-256-GCM seal 1 KiB', 'Ed25519 sign', 'Ed25519 verify', 'X25519',
  ])
  t.ok(Object.values(figures).every((ops) => ops > 0))
  t.equal(await noblePrimitives.aes256gcmOpen(new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), new Uint8Array(16)), null)
  const key = noble.ed25519PublicKey(new Uint8Array(32).fill(5))
  t.notOk(await noblePrimitives.ed25519Verify(key, new Uint8Array(0), new Uint8Array(64)))
})
