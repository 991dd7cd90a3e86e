// Checks spec requirements: pw-conv-2.5-reject-noncanonical
import fc from 'fast-check'
import t from 'tap'
import {
  base64urlDecode,
  base64urlEncode,
  concatBytes,
  constantTimeEqual,
  hexDecode,
  hexEncode,
  lengthPrefixed,
  utf8Decode,
  utf8Encode,
} from './encoding.ts'
import { ProtocolError } from './errors.ts'

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    return e instanceof ProtocolError ? e.code : `untyped: ${String(e)}`
  }
  return 'no error'
}

t.test('base64url encodes RFC 4648 §10 test strings without padding', async (t) => {
  const cases: [string, string][] = [
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ]
  for (const [plain, encoded] of cases) {
    t.equal(base64urlEncode(utf8Encode(plain)), encoded)
    t.same(base64urlDecode(encoded), utf8Encode(plain))
  }
  t.equal(base64urlEncode(bytes(0xfb, 0xff)), '-_8', 'uses - and _ instead of + and /')
})

t.test('base64url decoding rejects every non-canonical spelling with a typed error', async (t) => {
  t.equal(codeOf(() => base64urlDecode('Zg==')), 'invalid-encoding', 'padding')
  t.equal(codeOf(() => base64urlDecode('Zm9v+w')), 'invalid-encoding', 'standard alphabet +')
  t.equal(codeOf(() => base64urlDecode('Zm9v/w')), 'invalid-encoding', 'standard alphabet /')
  t.equal(codeOf(() => base64urlDecode('Zm 9v')), 'invalid-encoding', 'whitespace')
  t.equal(codeOf(() => base64urlDecode('Zm9vé')), 'invalid-encoding', 'non-ASCII')
  t.equal(codeOf(() => base64urlDecode('Z')), 'invalid-encoding', 'length 1 mod 4')
  t.equal(codeOf(() => base64urlDecode('Zh')), 'invalid-encoding', 'non-zero unused bits (1 byte)')
  t.equal(codeOf(() => base64urlDecode('Zm9')), 'invalid-encoding', 'non-zero unused bits (2 bytes)')
  t.equal(codeOf(() => base64urlDecode(42 as unknown as string)), 'invalid-encoding', 'not a string')
  t.equal(codeOf(() => base64urlDecode('Zm9v', 4)), 'invalid-length', 'wrong decoded length')
  t.same(base64urlDecode('Zm9v', 3), utf8Encode('foo'))
})

t.test('base64url: decode(encode(x)) = x for all x', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (x) => {
      const text = base64urlEncode(x)
      return /^[A-Za-z0-9_-]*$/.test(text) && constantTimeEqual(base64urlDecode(text, x.length), x)
    }),
    { numRuns: 300 },
  )
})

t.test('base64url: every string the decoder accepts is the canonical encoding of its bytes', async () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .'
  const chars = fc.constantFrom(...alphabet.split(''))
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 12 }), (parts) => {
      const text = parts.join('')
      let decoded: Uint8Array
      try {
        decoded = base64urlDecode(text)
      } catch (e) {
        return e instanceof ProtocolError && e.code === 'invalid-encoding'
      }
      return base64urlEncode(decoded) === text
    }),
    { numRuns: 2000 },
  )
})

t.test('hex round trips and rejects odd length and non-hex', async (t) => {
  t.equal(hexEncode(bytes(0, 1, 0xab, 0xff)), '0001abff')
  t.same(hexDecode('0001ABff'), bytes(0, 1, 0xab, 0xff))
  t.equal(codeOf(() => hexDecode('abc')), 'invalid-encoding')
  t.equal(codeOf(() => hexDecode('zz')), 'invalid-encoding')
  t.equal(codeOf(() => hexDecode('abcd', 3)), 'invalid-length')
  t.same(hexDecode('abcd', 2), bytes(0xab, 0xcd))
  fc.assert(fc.property(fc.uint8Array(), (x) => constantTimeEqual(hexDecode(hexEncode(x)), x)))
})

t.test('UTF-8 decoding is strict', async (t) => {
  t.equal(utf8Decode(utf8Encode('Pairwire ✓')), 'Pairwire ✓')
  t.equal(codeOf(() => utf8Decode(bytes(0xc3, 0x28))), 'invalid-encoding', 'invalid sequence')
  t.equal(codeOf(() => utf8Decode(bytes(0xed, 0xa0, 0x80))), 'invalid-encoding', 'surrogate')
})

t.test('lengthPrefixed is RFC 9382 §3.3: 8-byte little-endian length then the bytes', async (t) => {
  t.equal(hexEncode(lengthPrefixed(utf8Encode('server'))), '0600000000000000736572766572')
  t.equal(hexEncode(lengthPrefixed(new Uint8Array(0))), '0000000000000000')
  t.equal(lengthPrefixed(new Uint8Array(300))[1], 1, '300 = 0x012c, second byte 0x01')
})

t.test('concatBytes and constantTimeEqual', async (t) => {
  t.same(concatBytes(bytes(1), bytes(), bytes(2, 3)), bytes(1, 2, 3))
  t.ok(constantTimeEqual(bytes(1, 2), bytes(1, 2)))
  t.notOk(constantTimeEqual(bytes(1, 2), bytes(1, 3)))
  t.notOk(constantTimeEqual(bytes(1, 2), bytes(1, 2, 3)), 'different lengths are unequal')
})
