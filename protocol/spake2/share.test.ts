// Checks spec requirements: pw-pair-5.7-invalid-share
/**
 * Shares and K (RFC 9382 §3.3, §4): every malformed share a peer can send is the single typed
 * error 'invalid-share', never another exception; scalars outside [1, n - 1] never reach a point.
 */
import fc from 'fast-check'
import t from 'tap'
import { availableBackends, nobleBackend } from '../crypto/index.ts'
import { concatBytes } from '../encoding.ts'
import { isProtocolError } from '../errors.ts'
import { fieldPrime, M, n, N, P, P256Point, SCALAR_BYTES } from './constants.ts'
import { randomScalar, requireScalar, scalarToBytes } from './scalar.ts'
import { computeShare, decodeShare, encodeShare, sharedPoint } from './share.ts'

const INVALID_SHARE = { name: 'ProtocolError', code: 'invalid-share' }
const INVALID_KEY = { name: 'ProtocolError', code: 'invalid-key' }
const coordinate = (value: bigint): Uint8Array => scalarToBytes(value)
const uncompressed = (x: Uint8Array, y: Uint8Array): Uint8Array =>
  concatBytes(Uint8Array.of(0x04), x, y)

const w = 0x2ee57912099d31560b3a44b1184b9b4866e904c49d12ac5042c97dca461b1a5fn
const x = 12345n
const y = 67890n
const G = P.toBytes(false)

/** A point with x < 2^256 - p, so that x + p still fits in 32 bytes: a non-reduced x. */
function pointWithSmallX(): { x: bigint; y: bigint } {
  const { Fp } = P256Point
  const { a, b } = P256Point.CURVE()
  for (let candidate = 1n; ; candidate++) {
    const rhs = Fp.add(Fp.add(Fp.mul(Fp.sqr(candidate), candidate), Fp.mul(a, candidate)), b)
    try {
      return { x: candidate, y: Fp.sqrt(rhs) }
    } catch {
      continue
    }
  }
}

t.test('P-256 has cofactor h = 1, so an on-curve point needs no subgroup check', async (t) => {
  t.equal(P256Point.CURVE().h, 1n)
  t.ok(M.clearCofactor().equals(M), 'multiplying by h leaves a point unchanged')
})

t.test('decodeShare accepts the 65-byte uncompressed encoding of a curve point', async (t) => {
  t.ok(decodeShare(G).equals(P))
  t.ok(decodeShare(M.toBytes(false)).equals(M))
  t.same(encodeShare(decodeShare(G)), G)
})

t.test('decodeShare rejects every malformed share with invalid-share', async (t) => {
  const small = pointWithSmallX()
  t.doesNotThrow(() => P256Point.fromAffine(small).assertValidity(), '(X, Y) is on the curve')
  t.ok(small.x + fieldPrime < 2n ** 256n, 'X + p fits in 32 bytes')
  const offCurve = G.slice()
  offCurve[64]! ^= 1
  const withPrefix = (prefix: number): Uint8Array => {
    const bytes = G.slice()
    bytes[0] = prefix
    return bytes
  }
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'share must be 65 bytes'],
    ['64 bytes', G.subarray(0, 64), 'share must be 65 bytes'],
    ['66 bytes', concatBytes(G, Uint8Array.of(0)), 'share must be 65 bytes'],
    ['33-byte compressed valid point', P.toBytes(true), 'share must be 65 bytes'],
    ['prefix 0x02', withPrefix(0x02), 'share must be uncompressed (prefix 0x04)'],
    ['prefix 0x03', withPrefix(0x03), 'share must be uncompressed (prefix 0x04)'],
    ['prefix 0x05', withPrefix(0x05), 'share must be uncompressed (prefix 0x04)'],
    ['65 zero bytes', new Uint8Array(65), 'share must be uncompressed (prefix 0x04)'],
    ['off-curve point', offCurve, 'share is not on the curve'],
    ['identity spelled 0x04 || 0^64', uncompressed(new Uint8Array(32), new Uint8Array(32)),
      'share is the identity'],
    ['x = X + p for a point (X, Y)', uncompressed(coordinate(small.x + fieldPrime),
      coordinate(small.y)), 'share coordinate is not below the field prime'],
    ['x = p', uncompressed(coordinate(fieldPrime), G.subarray(33)),
      'share coordinate is not below the field prime'],
    ['y = p', uncompressed(G.subarray(1, 33), coordinate(fieldPrime)),
      'share coordinate is not below the field prime'],
    ['y = 2^256 - 1', uncompressed(G.subarray(1, 33), new Uint8Array(32).fill(0xff)),
      'share coordinate is not below the field prime'],
  ]
  for (const [name, bytes, detail] of cases) {
    t.throws(() => decodeShare(bytes), { ...INVALID_SHARE, detail }, name)
  }
  t.throws(() => decodeShare([4, 1, 2] as unknown as Uint8Array), INVALID_SHARE, 'not bytes')
})

t.test('a share that makes K the identity is invalid-share', async (t) => {
  // pA = w*M gives B the point K = h*y*(pA - w*M) = identity; likewise pB = w*N for A.
  const wM = M.multiply(w).toBytes(false)
  const wN = N.multiply(w).toBytes(false)
  const detail = 'shared point K is the identity'
  t.throws(() => sharedPoint('B', y, w, wM), { ...INVALID_SHARE, detail }, 'pA = w*M')
  t.throws(() => sharedPoint('A', x, w, wN), { ...INVALID_SHARE, detail }, 'pB = w*N')
  t.doesNotThrow(() => sharedPoint('A', x, w, wM), 'w*M is an ordinary point for A')
})

t.test('both parties compute the same K', async (t) => {
  const pA = computeShare('A', x, w)
  const pB = computeShare('B', y, w)
  t.same(sharedPoint('A', x, w, pB), sharedPoint('B', y, w, pA))
  t.same(sharedPoint('A', x, w, pB), P.multiply((x * y) % n).toBytes(false), 'K = x*y*P')
  t.equal(pA.length, 65)
  t.equal(pA[0], 0x04)
})

t.test('scalars outside [1, n - 1] are invalid-key', async (t) => {
  for (const bad of [0n, -1n, n, n + 1n]) {
    t.throws(() => requireScalar(bad, 'x'), INVALID_KEY, `scalar ${bad}`)
    t.throws(() => computeShare('A', bad, w), INVALID_KEY, `computeShare x = ${bad}`)
    t.throws(() => computeShare('B', y, bad), INVALID_KEY, `computeShare w = ${bad}`)
    t.throws(() => sharedPoint('A', bad, w, G), INVALID_KEY, `sharedPoint x = ${bad}`)
    t.throws(() => sharedPoint('B', y, bad, G), INVALID_KEY, `sharedPoint w = ${bad}`)
  }
  t.throws(() => requireScalar(1 as unknown as bigint, 'x'), INVALID_KEY, 'a number, not a bigint')
  t.equal(requireScalar(1n, 'x'), 1n)
  t.equal(requireScalar(n - 1n, 'x'), n - 1n)
})

t.test('randomScalar stays in [1, n - 1], even at the extremes of the random input', async (t) => {
  for (const backend of await availableBackends()) {
    for (let i = 0; i < 50; i++) {
      const s = randomScalar(backend)
      t.ok(s >= 1n && s < n, `${backend.name} draw ${i}`)
    }
  }
  const fixed = (byte: number) => ({ ...nobleBackend, randomBytes: (len: number) =>
    new Uint8Array(len).fill(byte) })
  t.equal(randomScalar(fixed(0x00)), 1n, 'all-zero input maps to 1')
  const top = randomScalar(fixed(0xff))
  t.ok(top >= 1n && top < n, 'all-ones input stays below n')
  t.not(randomScalar(), randomScalar(), 'two default draws differ')
  t.equal(scalarToBytes(1n).length, SCALAR_BYTES)
})

t.test('property: decodeShare returns a valid point or throws invalid-share', async (t) => {
  const check = (bytes: Uint8Array): boolean => {
    try {
      const point = decodeShare(bytes)
      point.assertValidity()
      return !point.is0() && encodeShare(point).every((b, i) => b === bytes[i])
    } catch (e) {
      return isProtocolError(e, 'invalid-share')
    }
  }
  const flipBit = fc.tuple(fc.nat(64), fc.nat(7)).map(([i, bit]) => {
    const bytes = G.slice()
    bytes[i]! ^= 1 << bit
    return bytes
  })
  const inputs = fc.oneof(
    fc.uint8Array({ minLength: 65, maxLength: 65 }),
    fc.uint8Array({ maxLength: 100 }),
    fc.uint8Array({ minLength: 64, maxLength: 64 }).map((xy) => concatBytes(Uint8Array.of(4), xy)),
    flipBit,
    fc.bigInt({ min: 1n, max: n - 1n }).map((k) => P.multiply(k).toBytes(false)),
  )
  fc.assert(fc.property(inputs, check), { numRuns: 200 })
  t.pass('200 inputs decoded or rejected as invalid-share')
})
