/**
 * The P-256 PAKE of zaparoo-v1 (spec/profiles/zaparoo-v1.md §2, zp-pake-*): the construction of
 * schollz/pake v3 as the profile's facts describe it (shared facts file §2.2), written from those
 * facts with @noble/curves, not from the library. Role 0 (client) sends X = pw·U + α·G, role 1
 * (server) answers Y = pw·V + β·G, and both hash
 * K = SHA-256(pw || I(X.x) || I(X.y) || I(Y.x) || I(Y.y) || I(Z.x) || I(Z.y)), where I(n) is the
 * minimal big-endian encoding (leading zero bytes stripped, empty for 0) and pw is the raw ASCII
 * PIN — unhashed, read as a big-endian integer for the scalar.
 */
import { p256 } from '@noble/curves/nist.js'
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, randomBytes } from '@noble/hashes/utils.js'

export type Point = WeierstrassPoint<bigint>
const Point = p256.Point

/** Affine coordinates as carried in a PAKE message; (0, 0) stands for "not computed yet". */
export interface Coordinates {
  readonly x: bigint
  readonly y: bigint
}

/** Fixed points U and V of schollz/pake's P-256 curve (facts §2.2, decimal). */
export const U: Coordinates = {
  x: 793136080485469241208656611513609866400481671852n,
  y: 59748757929350367369315811184980635230185250460108398961713395032485227207304n,
}
export const V: Coordinates = {
  x: 1086685267857089638167386722555472967068468061489n,
  y: 9157340230202296554417312816309453883742349874205386245733062928888341584123n,
}

const U_POINT = Point.fromAffine(U)
const V_POINT = Point.fromAffine(V)
U_POINT.assertValidity()
V_POINT.assertValidity()

export const ORDER: bigint = Point.Fn.ORDER
export const FIELD_PRIME: bigint = Point.Fp.ORDER

/** A peer coordinate pair that is not a point of P-256 (off-curve, (0, 0), or out of range). */
export class InvalidPoint extends Error {
  constructor() {
    super('PAKE point is not on P-256')
    this.name = 'InvalidPoint'
  }
}

/** The ASCII bytes of the PIN: both pw in K and, read big-endian, the scalar (facts §2.2). */
export function pinBytes(pin: string): Uint8Array {
  return new TextEncoder().encode(pin)
}

export function pinScalar(pin: string): bigint {
  return bytesToBigint(pinBytes(pin))
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  return n
}

/** Go big.Int.Bytes(): minimal big-endian, empty for 0 (facts §2.2: never fixed 32 bytes). */
export function minimalBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError('negative integer')
  const out: number[] = []
  for (let v = n; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn))
  return Uint8Array.from(out)
}

/** The peer's point: both coordinates in [0, p), on the curve, not (0, 0) (Go IsOnCurve). */
export function peerPoint(c: Coordinates): Point {
  if (c.x < 0n || c.y < 0n || c.x >= FIELD_PRIME || c.y >= FIELD_PRIME) throw new InvalidPoint()
  if (c.x === 0n && c.y === 0n) throw new InvalidPoint()
  try {
    const point = Point.fromAffine(c)
    point.assertValidity()
    return point
  } catch {
    throw new InvalidPoint()
  }
}

/** A random scalar in [1, n − 1] (facts §2.2: the TypeScript client picks α in that range). */
export function randomScalar(): bigint {
  for (;;) {
    const s = bytesToBigint(randomBytes(32))
    if (s >= 1n && s < ORDER) return s
  }
}

function affine(p: Point): Coordinates {
  if (p.is0()) return { x: 0n, y: 0n }
  const { x, y } = p.toAffine()
  return { x, y }
}

/** Role 0: X = pw·U + α·G. */
export function clientShare(pin: string, alpha: bigint): Coordinates {
  return affine(U_POINT.multiply(pinScalar(pin)).add(Point.BASE.multiply(alpha)))
}

/** K = SHA-256(pw || I(X.x) || I(X.y) || I(Y.x) || I(Y.y) || I(Z.x) || I(Z.y)). */
export function sessionKey(pin: string, X: Coordinates, Y: Coordinates, Z: Coordinates): Uint8Array {
  const parts = [X.x, X.y, Y.x, Y.y, Z.x, Z.y].map(minimalBytes)
  return sha256(concatBytes(pinBytes(pin), ...parts))
}

/** Role 1: checks X, answers Y = pw·V + β·G and computes Z = β·(X − pw·U) and K. */
export function serverRespond(
  pin: string,
  X: Coordinates,
  beta: bigint,
): { Y: Coordinates; K: Uint8Array } {
  const x = peerPoint(X)
  const pw = pinScalar(pin)
  const Y = affine(V_POINT.multiply(pw).add(Point.BASE.multiply(beta)))
  const Z = affine(x.subtract(U_POINT.multiply(pw)).multiply(beta))
  return { Y, K: sessionKey(pin, X, Y, Z) }
}

/** Role 0 on receiving Y: checks Y, Z = α·(Y − pw·V), K. */
export function clientFinish(pin: string, alpha: bigint, X: Coordinates, Y: Coordinates): Uint8Array {
  const y = peerPoint(Y)
  const Z = affine(y.subtract(V_POINT.multiply(pinScalar(pin))).multiply(alpha))
  return sessionKey(pin, X, Y, Z)
}
