/**
 * The password scalar w (spec §5.5), cross-checked against an independent implementation of
 * RFC 9380 §5.2 hash_to_field and §5.3.1 expand_message_xmd written here from the RFC text and
 * run with each backend's SHA-256. That implementation is itself held to RFC 9380 Appendix K.1.
 */
import fc from 'fast-check'
import t from 'tap'
import { availableBackends, type CryptoBackend } from '../crypto/index.ts'
import { concatBytes, hexEncode, utf8Encode } from '../encoding.ts'
import { LABELS } from '../registry.ts'
import { n } from './constants.ts'
import { passwordScalar } from './password.ts'

/** RFC 9380 §5.3.1 expand_message_xmd with SHA-256 (b_in_bytes = 32, s_in_bytes = 64). */
function expandMessageXmd(
  backend: CryptoBackend,
  msg: Uint8Array,
  DST: Uint8Array,
  lenInBytes: number,
): Uint8Array {
  const ell = Math.ceil(lenInBytes / 32)
  const DST_prime = concatBytes(DST, Uint8Array.of(DST.length))
  const Z_pad = new Uint8Array(64)
  const l_i_b_str = Uint8Array.of(lenInBytes >> 8, lenInBytes & 0xff)
  const msg_prime = concatBytes(Z_pad, msg, l_i_b_str, Uint8Array.of(0), DST_prime)
  const b0 = backend.sha256(msg_prime)
  const blocks = [backend.sha256(concatBytes(b0, Uint8Array.of(1), DST_prime))]
  for (let i = 2; i <= ell; i++) {
    const previous = blocks[blocks.length - 1]!
    const mixed = b0.map((byte, j) => byte ^ previous[j]!)
    blocks.push(backend.sha256(concatBytes(mixed, Uint8Array.of(i), DST_prime)))
  }
  return concatBytes(...blocks).subarray(0, lenInBytes)
}

/** RFC 9380 §5.2 hash_to_field with count = 1, m = 1, modulus n, L = 48 (k = 128). */
function independentW(backend: CryptoBackend, pin: string): bigint {
  const DST = utf8Encode(LABELS.spake2PasswordDst)
  const uniform = expandMessageXmd(backend, utf8Encode(pin), DST, 48)
  return BigInt('0x' + hexEncode(uniform)) % n
}

const KNOWN_ANSWERS: [string, string][] = [
  ['492817', 'ca74f5e4c3c7cf69c4664967e0efd40bb67d5ba1d2998f9ccca685701fdb77a8'],
  ['000000', 'c400585369fb88968b7ff42543528fadce94a2160b85441ad16e2174e5e09267'],
]

t.test('the independent expand_message_xmd meets RFC 9380 Appendix K.1', async (t) => {
  const DST = utf8Encode('QUUX-V01-CS02-with-expander-SHA256-128')
  for (const backend of await availableBackends()) {
    t.equal(hexEncode(expandMessageXmd(backend, new Uint8Array(0), DST, 0x20)),
      '68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235', `${backend.name} ""`)
    t.equal(hexEncode(expandMessageXmd(backend, utf8Encode('abc'), DST, 0x20)),
      'd8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615', `${backend.name} "abc"`)
  }
})

t.test('w has fixed known answers, reached by two independent routes', async (t) => {
  let count = 0
  for (const backend of await availableBackends()) {
    for (const [pin, wHex] of KNOWN_ANSWERS) {
      const { w, wBytes } = passwordScalar(pin)
      t.equal(hexEncode(wBytes), wHex, `${backend.name} ${pin}: library route`)
      t.equal(w, BigInt('0x' + wHex), `${backend.name} ${pin}: w as bigint`)
      t.equal(independentW(backend, pin), w, `${backend.name} ${pin}: independent route`)
      count++
    }
  }
  t.equal(count, KNOWN_ANSWERS.length * 2)
})

t.test('property: w is deterministic, in [1, n - 1], matches the independent route', async (t) => {
  const backends = await availableBackends()
  const pin = fc.integer({ min: 0, max: 999_999 }).map((v) => String(v).padStart(6, '0'))
  fc.assert(fc.property(pin, fc.constantFrom(...backends), (p, backend) => {
    const first = passwordScalar(p)
    return first.w === passwordScalar(p).w && first.w >= 1n && first.w < n &&
      first.wBytes.length === 32 && first.w === independentW(backend, p)
  }), { numRuns: 100 })
  t.pass('100 PINs checked')
})

t.test('w differs per PIN', async (t) => {
  const seen = new Set<bigint>()
  for (let v = 0; v < 1000; v++) seen.add(passwordScalar(String(v * 997).padStart(6, '0')).w)
  t.equal(seen.size, 1000, '1000 distinct PINs give 1000 distinct w')
  t.not(passwordScalar('123456').w, passwordScalar('123457').w)
})

t.test('w is defined only for six ASCII digits (trivial PINs included)', async (t) => {
  const INVALID_PIN = { name: 'ProtocolError', code: 'invalid-pin' }
  for (const bad of ['', '12345', '1234567', '12345a', '١٢٣٤٥٦', ' 123456', '123456\n']) {
    t.throws(() => passwordScalar(bad), INVALID_PIN, JSON.stringify(bad))
  }
  t.throws(() => passwordScalar(123456 as unknown as string), INVALID_PIN, 'a number')
  t.doesNotThrow(() => passwordScalar('111111'), 'a trivial PIN typed by a client still has a w')
})
