/**
 * RFC 9421 Appendix B.2.6 (ed25519) on the browser's asynchronous path: WebCrypto Ed25519 (here
 * Node's crypto.subtle) signs the vector's signature base to the vector's signature and verifies
 * it, and signRequestAsync gives signRequest's fields byte for byte for both algorithms.
 */
import { webcrypto } from 'node:crypto'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { nobleBackend } from '../crypto/noble.ts'
import { detectWebCrypto, webCryptoPrimitives } from '../crypto/webcrypto.ts'
import { hexDecode, utf8Encode } from '../encoding.ts'
import { decodeBase64 } from './base64.ts'
import { signRequest, signRequestAsync } from './profile.ts'

const subtle = webcrypto.subtle as unknown as SubtleCrypto
const web = webCryptoPrimitives(await detectWebCrypto(subtle), subtle)

interface Rfc9421Vector {
  name: string
  alg: string
  private_key_hex?: string
  public_key_hex?: string
  signature_base: string
  signature: string
}
const path = new URL('../../vectors/external/rfc9421-http-signatures.json', import.meta.url)
const file = JSON.parse(readFileSync(path, 'utf8')) as { vectors: Rfc9421Vector[] }

t.test('RFC 9421 B.2.6 with WebCrypto Ed25519', async (t) => {
  t.equal(web.sources.ed25519, 'webcrypto')
  const vectors = file.vectors.filter((v) => v.alg === 'ed25519')
  t.equal(vectors.length, 1, 'B.2.6 is the one ed25519 vector')
  for (const v of vectors) {
    const base = utf8Encode(v.signature_base)
    const signature = await web.ed25519Sign(hexDecode(v.private_key_hex!), base)
    t.same(signature, decodeBase64(v.signature), `${v.name}: signature`)
    t.ok(await web.ed25519Verify(hexDecode(v.public_key_hex!), base, signature), `${v.name}: verifies`)
    signature[0]! ^= 1
    t.notOk(await web.ed25519Verify(hexDecode(v.public_key_hex!), base, signature), 'a flipped bit fails')
  }
  t.equal(web.counts.ed25519, 3, 'sign and two verifies, all WebCrypto')
})

t.test('signRequestAsync signs what signRequest signs', async (t) => {
  const request = { method: 'POST', url: 'https://device.test/pairwire/v1/tickets', headers: {}, body: utf8Encode('{"v":1}') }
  const common = { request, keyid: 'pwc_x', created: 1_700_000_000, nonce: 'AAAAAAAAAAAAAAAAAAAAAA', backend: nobleBackend }
  for (const [alg, key] of [['ed25519', new Uint8Array(32).fill(2)], ['hmac-sha256', new Uint8Array(32).fill(3)]] as const) {
    const options = { ...common, alg, key }
    t.same(await signRequestAsync(options, web.ed25519Sign), signRequest(options), alg)
  }
  const failure = await signRequestAsync({ ...common, alg: 'ed25519', key: new Uint8Array(31) }, web.ed25519Sign).then(
    () => null,
    (e: unknown) => e,
  )
  t.match(failure, { code: 'invalid-key' }, 'a short seed is invalid-key, as on the sync path')
})
