import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { hexDecode, hexEncode } from '../encoding.ts'
import { availableBackends, defaultBackend, hkdfSha256, nobleBackend } from './index.ts'

interface HkdfVector {
  name: string
  IKM: string
  salt: string
  info: string
  L: number
  PRK: string
  OKM: string
}

const hkdfFile = JSON.parse(
  readFileSync(new URL('../../vectors/external/rfc5869-hkdf-sha256.json', import.meta.url), 'utf8'),
) as { vectors: HkdfVector[] }

const backends = await availableBackends()

t.test('both backends are available on Node, and Node uses node:crypto by default', async (t) => {
  t.same(backends.map((b) => b.name), ['noble', 'node'])
  t.equal(defaultBackend.name, 'node')
})

t.test('RFC 5869 Appendix A test cases 1-3 (HKDF-SHA256), every backend', async (t) => {
  let run = 0
  for (const backend of backends) {
    for (const v of hkdfFile.vectors) {
      const prk = backend.hkdfExtract(hexDecode(v.salt), hexDecode(v.IKM))
      t.equal(hexEncode(prk), v.PRK, `${backend.name} ${v.name} PRK`)
      const okm = backend.hkdfExpand(prk, hexDecode(v.info), v.L)
      t.equal(hexEncode(okm), v.OKM, `${backend.name} ${v.name} OKM`)
      const whole = hkdfSha256(backend, hexDecode(v.IKM), hexDecode(v.salt), hexDecode(v.info), v.L)
      t.equal(hexEncode(whole), v.OKM, `${backend.name} ${v.name} HKDF`)
      run++
    }
  }
  t.equal(run, 3 * backends.length, 'ran 3 vectors per backend')
})

t.test('HKDF-Expand refuses more than 255 blocks', async (t) => {
  for (const backend of backends) {
    t.throws(() => backend.hkdfExpand(new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1))
  }
})

t.test('AES-256-GCM: open rejects any altered byte and returns null', async (t) => {
  for (const backend of backends) {
    const key = new Uint8Array(32).fill(7)
    const nonce = new Uint8Array(12)
    const sealed = backend.aes256gcmSeal(key, nonce, Uint8Array.of(1), Uint8Array.of(1, 2, 3))
    t.equal(sealed.length, 3 + 16)
    t.same(backend.aes256gcmOpen(key, nonce, Uint8Array.of(1), sealed), Uint8Array.of(1, 2, 3))
    t.equal(backend.aes256gcmOpen(key, nonce, Uint8Array.of(2), sealed), null, `${backend.name} AD`)
    const flipped = sealed.slice()
    flipped[0]! ^= 1
    t.equal(backend.aes256gcmOpen(key, nonce, Uint8Array.of(1), flipped), null, backend.name)
    t.equal(backend.aes256gcmOpen(key, nonce, Uint8Array.of(1), sealed.subarray(0, 15)), null)
  }
})

t.test('Ed25519 verify returns false, never throws, for bad keys and lengths', async (t) => {
  for (const backend of backends) {
    const seed = new Uint8Array(32).fill(1)
    const pub = backend.ed25519PublicKey(seed)
    const sig = backend.ed25519Sign(seed, Uint8Array.of(1))
    t.ok(backend.ed25519Verify(pub, Uint8Array.of(1), sig), backend.name)
    t.notOk(backend.ed25519Verify(pub, Uint8Array.of(2), sig))
    t.notOk(backend.ed25519Verify(pub.subarray(0, 31), Uint8Array.of(1), sig))
    t.notOk(backend.ed25519Verify(pub, Uint8Array.of(1), sig.subarray(0, 63)))
    t.notOk(backend.ed25519Verify(new Uint8Array(32).fill(0xff), Uint8Array.of(1), sig))
  }
})

t.test('node:crypto refuses raw keys of the wrong length', async (t) => {
  const node = backends.find((b) => b.name === 'node')!
  t.throws(() => node.x25519(new Uint8Array(31), new Uint8Array(32)), RangeError)
  t.throws(() => node.x25519(new Uint8Array(32), new Uint8Array(33)), RangeError)
})

t.test('the two backends produce identical bytes for the same inputs', async () => {
  const [noble, node] = backends as [typeof nobleBackend, typeof nobleBackend]
  const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
  const data = fc.uint8Array({ maxLength: 300 })
  const same = (a: Uint8Array, b: Uint8Array | null): boolean => b !== null && hexEncode(a) === hexEncode(b)
  fc.assert(
    fc.property(key32, key32, data, data, (k, seed, msg, ad) => {
      const nonce = k.subarray(0, 12)
      const sealed = noble.aes256gcmSeal(k, nonce, ad, msg)
      return (
        same(noble.sha256(msg), node.sha256(msg)) &&
        same(noble.hmacSha256(k, msg), node.hmacSha256(k, msg)) &&
        same(noble.hkdfExpand(k, ad, 77), node.hkdfExpand(k, ad, 77)) &&
        same(noble.hkdfExtract(ad, msg), node.hkdfExtract(ad, msg)) &&
        same(sealed, node.aes256gcmSeal(k, nonce, ad, msg)) &&
        same(msg, node.aes256gcmOpen(k, nonce, ad, sealed)) &&
        same(noble.x25519PublicKey(seed), node.x25519PublicKey(seed)) &&
        same(noble.x25519(seed, noble.x25519PublicKey(k)), node.x25519(seed, node.x25519PublicKey(k))) &&
        same(noble.ed25519PublicKey(seed), node.ed25519PublicKey(seed)) &&
        same(noble.ed25519Sign(seed, msg), node.ed25519Sign(seed, msg)) &&
        node.ed25519Verify(noble.ed25519PublicKey(seed), msg, noble.ed25519Sign(seed, msg))
      )
    }),
    { numRuns: 100 },
  )
})

t.test('randomBytes returns the requested length from each backend', async (t) => {
  for (const backend of backends) {
    t.equal(backend.randomBytes(32).length, 32)
    t.not(hexEncode(backend.randomBytes(16)), hexEncode(backend.randomBytes(16)))
  }
})
