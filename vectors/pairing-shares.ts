/**
 * Malformed and hostile SPAKE2 shares for the pairing vectors (spec §5.7 step 2, §5.9): every way
 * 65 bytes can fail to be a usable uncompressed P-256 point, and the valid points that make K the
 * identity (pA = w·M at the device, pB = w·N at the client).
 */
import { p256 } from '@noble/curves/nist.js'
import { concatBytes } from '../protocol/encoding.ts'
import { M, N } from '../protocol/spake2/index.ts'

const Point = p256.Point
const { Fp } = Point
const COORDINATE_BYTES = Fp.BYTES

export type ShareFlag =
  | 'WrongLength'
  | 'CompressedPoint'
  | 'BadPrefix'
  | 'OffCurve'
  | 'IdentityEncoding'
  | 'CoordinateOutOfRange'
  | 'IdentityK'

export interface ShareCase {
  comment: string
  flag: ShareFlag
  share: Uint8Array
}

function coordinate(value: bigint): Uint8Array {
  const out = new Uint8Array(COORDINATE_BYTES)
  for (let i = COORDINATE_BYTES - 1; i >= 0; i--, value >>= 8n) out[i] = Number(value & 0xffn)
  return out
}

/** SEC 1 §2.3.3 with an arbitrary prefix byte and arbitrary (possibly ≥ p) coordinates. */
function encode(prefix: number, x: bigint, y: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(prefix), coordinate(x), coordinate(y))
}

/** The curve point with the smallest x ≥ 0: its x + p still fits in 32 bytes. */
function smallXPoint(): { x: bigint; y: bigint } {
  const { b } = Point.CURVE()
  for (let x = 0n; ; x++) {
    const rhs = Fp.add(Fp.sub(Fp.mul(Fp.sqr(x), x), Fp.mul(3n, x)), b)
    try {
      return Point.fromAffine({ x, y: Fp.sqrt(rhs) }).toAffine()
    } catch {
      // rhs has no square root: no point with this x.
    }
  }
}

const shareCase = (flag: ShareFlag, comment: string, share: Uint8Array): ShareCase => ({
  flag,
  comment,
  share,
})

/** Shares that fail decoding, built from a valid share so that only one property is wrong. */
export function malformedShares(valid: Uint8Array): ShareCase[] {
  const { x, y } = Point.fromBytes(valid).toAffine()
  const p = Fp.ORDER
  const small = smallXPoint()
  const hybrid = y % 2n === 0n ? 0x06 : 0x07
  const compressed = Point.fromBytes(valid).toBytes(true)
  const zero = Uint8Array.of(0)
  return [
    shareCase('WrongLength', 'empty share', new Uint8Array(0)),
    shareCase('WrongLength', 'valid share without its last byte (64 bytes)', valid.slice(0, 64)),
    shareCase('WrongLength', 'valid share and a zero byte (66 bytes)', concatBytes(valid, zero)),
    shareCase('CompressedPoint', 'the same point, compressed SEC 1 (33 bytes)', compressed),
    shareCase('BadPrefix', 'prefix 02 on 65 bytes', encode(0x02, x, y)),
    shareCase('BadPrefix', 'the same point in SEC 1 hybrid form (06/07)', encode(hybrid, x, y)),
    shareCase('BadPrefix', 'prefix 05', encode(0x05, x, y)),
    shareCase('OffCurve', 'y + 1: not on the curve', encode(0x04, x, Fp.add(y, 1n))),
    shareCase('OffCurve', 'x + 1, same y: not on the curve', encode(0x04, Fp.add(x, 1n), y)),
    shareCase('IdentityEncoding', 'single byte 00: SEC 1 encoding of the identity', zero),
    shareCase('IdentityEncoding', '65 zero bytes', new Uint8Array(65)),
    shareCase('IdentityEncoding', '04 and 64 zero bytes: (0, 0), the identity in some libraries',
      encode(0x04, 0n, 0n)),
    shareCase('CoordinateOutOfRange', `x + p for the point with x = ${small.x}: reduces mod p`,
      encode(0x04, small.x + p, small.y)),
    shareCase('CoordinateOutOfRange', 'y = p', encode(0x04, x, p)),
    shareCase('CoordinateOutOfRange', 'x = 2^256 - 1', encode(0x04, (1n << 256n) - 1n, y)),
  ]
}

/** RFC 9382 §3.3: the share that makes the peer's K = h·s·(share − w·Blind) the identity. */
export function identityShare(role: 'A' | 'B', w: bigint): ShareCase {
  const blind = role === 'A' ? M : N
  const name = role === 'A' ? 'pA = w·M' : 'pB = w·N'
  return shareCase('IdentityK', `${name}: K is the identity`, blind.multiply(w).toBytes(false))
}
