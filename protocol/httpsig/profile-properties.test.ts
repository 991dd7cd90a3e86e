// Checks spec requirements: pw-sig-8.3-both-algorithms
/**
 * Properties of the Pairwire profile (spec §8) under every backend and both algorithms: random
 * signature fields only ever produce ProtocolErrors; random requests sign and verify; and a single
 * flipped bit in the signature, the signature base, the target URI, the method or the body is
 * always rejected.
 */
import fc from 'fast-check'
import t from 'tap'
import { availableBackends, type CryptoBackend } from '../crypto/index.ts'
import { utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { contentDigest } from './content-digest.ts'
import {
  parseSignedRequest,
  signRequest,
  verifyParsedSignature,
  type ParsedSignedRequest,
} from './profile.ts'
import type { HttpRequest } from './request.ts'

const backends = await availableBackends()
const SEED = Uint8Array.from({ length: 32 }, (_, i) => 255 - i)
const SECRET = utf8Encode('another shared secret')
const ORIGIN = 'https://device.example:8443/'

interface Signer {
  readonly alg: string
  readonly backend: CryptoBackend
}

const keyOf = ({ alg, backend }: Signer): Uint8Array =>
  alg === 'ed25519' ? backend.ed25519PublicKey(SEED) : SECRET

function sign(request: HttpRequest, { alg, backend }: Signer): HttpRequest {
  const key = alg === 'ed25519' ? SEED : SECRET
  const fields = signRequest({ request, keyid: 'pwc_test', alg, key, created: 1, backend })
  return { ...request, headers: { ...request.headers, ...fields } }
}

function verify(request: HttpRequest, signer: Signer): unknown {
  const parsed = parseSignedRequest(request, signer.backend)
  return verifyParsedSignature(parsed, keyOf(signer), signer.backend)
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (e) {
    return e instanceof ProtocolError ? e.code : `untyped: ${String(e)}`
  }
}

function expectCode(code: string, fn: () => unknown): void {
  const actual = codeOf(fn)
  if (actual !== code) throw new Error(`expected ${code}, got ${actual}`)
}

/** Flips bit `bit % 8` of byte `index % length` (the input must not be empty). */
function flipBit(bytes: Uint8Array, index: number, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes)
  out[index % out.length]! ^= 1 << bit % 8
  return out
}

/** Flips bit `bit` of the character at `at`. */
function flipChar(text: string, at: number, bit: number): string {
  const flipped = String.fromCharCode(text.charCodeAt(at) ^ (1 << bit))
  return text.slice(0, at) + flipped + text.slice(at + 1)
}

const signer: fc.Arbitrary<Signer> = fc.record({
  alg: fc.constantFrom('ed25519', 'hmac-sha256'),
  backend: fc.constantFrom(...backends),
})
const headerText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'pw=()"@;: -,?*abcdAQ=+/019'.split('')), maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
)

t.test('random signature fields never throw anything but ProtocolError', async (t) => {
  const request: HttpRequest = { method: 'POST', url: ORIGIN, headers: {}, body: SECRET }
  fc.assert(
    fc.property(signer, headerText, headerText, headerText, (s, input, signature, digest) => {
      const signed = sign(request, s)
      for (const headers of [
        { 'signature-input': input, signature, 'content-digest': digest },
        { ...signed.headers, 'signature-input': input },
        { ...signed.headers, signature },
        { ...signed.headers, 'content-digest': digest },
      ]) {
        const result = codeOf(() => verify({ ...request, headers }, s))
        if (result === 'ok' || result.startsWith('untyped')) throw new Error(result)
      }
    }),
    { numRuns: 200 },
  )
  t.pass('every random field was rejected with a ProtocolError')
})

const request: fc.Arbitrary<HttpRequest> = fc.record({
  method: fc.stringMatching(/^[A-Z]{1,8}$/),
  url: fc
    .array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 4 })
    .map((segments) => ORIGIN + segments.join('/')),
  headers: fc.constant({}),
  body: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }), { nil: undefined }),
})

t.test('every random request signs and verifies', async (t) => {
  fc.assert(
    fc.property(request, signer, (r, s) => {
      verify(sign(r, s), s)
    }),
    { numRuns: 100 },
  )
  t.pass('100 random requests')
})

t.test('a flipped bit of the signature or of the signature base never verifies', async (t) => {
  fc.assert(
    fc.property(request, signer, fc.nat(), fc.nat(), (r, s, index, bit) => {
      const parsed = parseSignedRequest(sign(r, s), s.backend)
      const check = (changed: ParsedSignedRequest): void =>
        expectCode('signature-invalid', () => verifyParsedSignature(changed, keyOf(s), s.backend))
      check({ ...parsed, signature: flipBit(parsed.signature, index, bit) })
      check({ ...parsed, signatureBase: flipBit(parsed.signatureBase, index, bit) })
    }),
    { numRuns: 100 },
  )
  t.pass('every flip rejected with signature-invalid')
})

t.test('a flipped bit of a covered value never verifies', async (t) => {
  fc.assert(
    fc.property(request, signer, fc.nat(), fc.nat(), (r, s, index, bit) => {
      const signed = sign(r, s)
      // Any bit of a path character: lowercase letters, digits and "/" never flip into a
      // character the URL parser would turn back into the original (see the arbitrary above).
      const at = ORIGIN.length + (index % (r.url.length - ORIGIN.length))
      const url = flipChar(r.url, at, bit % 8)
      expectCode('signature-invalid', () => verify({ ...signed, url }, s))
      // Bits 0-5 keep an uppercase letter printable, so the change reaches the signature check.
      const method = flipChar(r.method, index % r.method.length, bit % 6)
      expectCode('signature-invalid', () => verify({ ...signed, method }, s))
      if (r.body === undefined) return
      const body = flipBit(r.body, index, bit)
      expectCode('digest-mismatch', () => verify({ ...signed, body }, s))
      const headers = { ...signed.headers, 'content-digest': contentDigest(body) }
      expectCode('signature-invalid', () => verify({ ...signed, body, headers }, s))
    }),
    { numRuns: 100 },
  )
  t.pass('every flip rejected')
})
