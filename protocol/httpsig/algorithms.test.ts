/** The ed25519 and hmac-sha256 algorithms (RFC 9421 §3.3.6, §3.3.3) beyond the vectors. */
import t from 'tap'
import { availableBackends } from '../crypto/index.ts'
import { utf8Encode } from '../encoding.ts'
import { isSignatureAlgorithm, signSignatureBase, verifySignatureBase } from './algorithms.ts'

const base = utf8Encode('"@signature-params": ()')

t.test('only ed25519 and hmac-sha256 are supported', async (t) => {
  t.ok(isSignatureAlgorithm('ed25519'))
  t.ok(isSignatureAlgorithm('hmac-sha256'))
  for (const alg of ['rsa-pss-sha512', 'ecdsa-p256-sha256', 'ED25519', '', 'hs2019']) {
    t.notOk(isSignatureAlgorithm(alg))
    const unsupported = { code: 'unsupported-algorithm', detail: alg }
    t.throws(() => signSignatureBase(alg, new Uint8Array(32), base), unsupported)
    const signature = new Uint8Array(64)
    t.throws(() => verifySignatureBase(alg, new Uint8Array(32), base, signature), unsupported)
  }
})

t.test('keys the algorithms cannot use are invalid-key', async (t) => {
  for (const backend of await availableBackends()) {
    const invalid = { code: 'invalid-key' }
    t.throws(() => signSignatureBase('ed25519', new Uint8Array(31), base, backend), invalid)
    t.throws(() => signSignatureBase('hmac-sha256', new Uint8Array(0), base, backend), invalid)
    const empty = new Uint8Array(0)
    t.throws(() => verifySignatureBase('hmac-sha256', empty, base, empty, backend), invalid)
  }
})

t.test('wrong lengths and wrong keys never verify', async (t) => {
  for (const backend of await availableBackends()) {
    const seed = new Uint8Array(32).fill(7)
    const publicKey = backend.ed25519PublicKey(seed)
    const signature = signSignatureBase('ed25519', seed, base, backend)
    const invalid = { code: 'signature-invalid' }
    const verify = (key: Uint8Array, sig: Uint8Array, alg = 'ed25519'): void =>
      verifySignatureBase(alg, key, base, sig, backend)
    t.doesNotThrow(() => verify(publicKey, signature), `${backend.name}: verifies`)
    t.throws(() => verify(publicKey, signature.subarray(0, 63)), invalid, 'short signature')
    t.throws(() => verify(publicKey.subarray(1), signature), invalid, 'short public key')
    t.throws(() => verify(seed, signature), invalid, 'the seed is not the public key')
    const mac = signSignatureBase('hmac-sha256', seed, base, backend)
    t.doesNotThrow(() => verify(seed, mac, 'hmac-sha256'))
    t.throws(() => verify(seed, mac.subarray(0, 16), 'hmac-sha256'), invalid, 'truncated MAC')
    t.throws(() => verify(publicKey, mac, 'hmac-sha256'), invalid, 'another secret')
  }
})
