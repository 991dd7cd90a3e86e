/**
 * SPAKE2 shares and the shared point K (RFC 9382 §3.3, §4) over P-256. Shares travel as 65-byte
 * uncompressed SEC1 points (SEC 1 v2 §2.3.3); `decodeShare` is the one gate through which a
 * peer's bytes enter point arithmetic, and every way those bytes can be wrong is the single typed
 * error 'invalid-share', so network input can never surface as another exception.
 */
import { bytesToNumberBE } from '@noble/curves/utils.js'
import { ProtocolError } from '../errors.ts'
import { SIZES } from '../registry.ts'
import { fieldPrime, M, N, P, P256Point, SCALAR_BYTES, type Point } from './constants.ts'
import { requireScalar } from './scalar.ts'

/** A is the party that sends pA (blinded by M); B sends pB (blinded by N). */
export type Role = 'A' | 'B'

/** SEC 1 v2 §2.3.3: the prefix byte of an uncompressed point. */
const UNCOMPRESSED_PREFIX = 0x04

/** The blinding point of a role's own share: M for A, N for B (RFC 9382 §3.3). */
function ownBlind(role: Role): Point {
  return role === 'A' ? M : N
}

/** The blinding point of the peer's share, which a role removes before multiplying. */
function peerBlind(role: Role): Point {
  return role === 'A' ? N : M
}

export function encodeShare(point: Point): Uint8Array {
  return point.toBytes(false)
}

/**
 * Decodes a peer's share: exactly 65 bytes, prefix 0x04, both coordinates in [0, p - 1], not the
 * identity, and on the curve. P-256 has cofactor h = 1, so every curve point other than the
 * identity is in the prime-order group and no subgroup check is needed.
 */
export function decodeShare(bytes: Uint8Array): Point {
  if (!(bytes instanceof Uint8Array) || bytes.length !== SIZES.p256UncompressedPoint) {
    throw new ProtocolError('invalid-share', 'share must be 65 bytes')
  }
  if (bytes[0] !== UNCOMPRESSED_PREFIX) {
    throw new ProtocolError('invalid-share', 'share must be uncompressed (prefix 0x04)')
  }
  const x = bytesToNumberBE(bytes.subarray(1, 1 + SCALAR_BYTES))
  const y = bytesToNumberBE(bytes.subarray(1 + SCALAR_BYTES))
  if (x >= fieldPrime || y >= fieldPrime) {
    throw new ProtocolError('invalid-share', 'share coordinate is not below the field prime')
  }
  // (0, 0) is how @noble/curves spells the identity in affine form; it has no SEC1 encoding.
  const point = P256Point.fromAffine({ x, y })
  if (point.is0()) throw new ProtocolError('invalid-share', 'share is the identity')
  try {
    point.assertValidity()
  } catch {
    throw new ProtocolError('invalid-share', 'share is not on the curve')
  }
  return point
}

/** RFC 9382 §3.3: pA = x*P + w*M (role A) or pB = y*P + w*N (role B), encoded uncompressed. */
export function computeShare(role: Role, scalar: bigint, w: bigint): Uint8Array {
  const own = P.multiply(requireScalar(scalar, 'x/y'))
  return encodeShare(own.add(ownBlind(role).multiply(requireScalar(w, 'w'))))
}

/**
 * RFC 9382 §3.3, §4: A computes K = h*x*(pB - w*N), B computes K = h*y*(pA - w*M). A K at the
 * identity (a peer share equal to w*N or w*M) is rejected as 'invalid-share'.
 */
export function sharedPoint(
  role: Role,
  scalar: bigint,
  w: bigint,
  peerShare: Uint8Array,
): Uint8Array {
  const peer = decodeShare(peerShare)
  const unblinded = peer.subtract(peerBlind(role).multiply(requireScalar(w, 'w')))
  // Multiplying by h is clearing the cofactor; for P-256 (h = 1) it returns the point itself.
  const K = unblinded.clearCofactor().multiply(requireScalar(scalar, 'x/y'))
  if (K.is0()) throw new ProtocolError('invalid-share', 'shared point K is the identity')
  return encodeShare(K)
}
