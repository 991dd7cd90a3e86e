/** Standard base64 as RFC 8941 Byte Sequences use it (RFC 4648 §4, RFC 8941 §4.1.8, §4.2.7). */
import assert from 'node:assert/strict'
import fc from 'fast-check'
import t from 'tap'
import { utf8Encode } from '../encoding.ts'
import { decodeBase64, encodeBase64 } from './base64.ts'

t.test('encodes the RFC 4648 §10 test strings with padding', async (t) => {
  const cases: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ]
  for (const [plain, encoded] of cases) {
    t.equal(encodeBase64(utf8Encode(plain)), encoded)
    t.same(decodeBase64(encoded), utf8Encode(plain))
  }
  t.equal(encodeBase64(Uint8Array.of(0xfb, 0xff)), '+/8=', 'uses + and /')
})

t.test('decoding follows RFC 8941 §4.2.7', async (t) => {
  t.same(decodeBase64('Zg'), utf8Encode('f'), 'absent padding is synthesized')
  t.same(decodeBase64('Zh=='), utf8Encode('f'), 'non-zero pad bits are ignored')
  t.equal(decodeBase64('Z'), undefined, 'impossible length')
  t.equal(decodeBase64('Zg='), undefined, 'incomplete padding')
  t.equal(decodeBase64('Zg==='), undefined, 'excess padding')
  t.equal(decodeBase64('Z=g='), undefined, 'padding inside')
  t.equal(decodeBase64('Zm9v-w=='), undefined, 'base64url alphabet')
  t.equal(decodeBase64('Zm 9v'), undefined, 'whitespace')
})

t.test('decode(encode(x)) = x', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (x) => {
      assert.deepStrictEqual(decodeBase64(encodeBase64(x)), x)
    }),
    { numRuns: 100 },
  )
  t.pass('round trip holds')
})
