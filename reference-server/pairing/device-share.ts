/**
 * The device's answer to a share pA (spec §5.7), without the identity-K oracle in the answer or
 * in its timing. K = y·(pA − w·M) is the identity only for pA = w·M, i.e. a share built from the
 * right PIN. Answering that with 400 invalid-share would confirm an attacker's PIN guess without
 * spending the window's failure budget ({#pw-pair-5.7-identity-k-no-oracle}); so would answering
 * it faster ({#pw-pair-5.7-uniform-work}): multiplying the identity by y is much cheaper than
 * multiplying a real point, and the old early return skipped the transcript and the key schedule
 * (a median 4.5 ms instead of 7.7 ms, issue 21).
 *
 * So every pA takes the same path and does the same work: K = y·pA − (w·y)·M, two multiplications
 * of points that are never the identity (pA passed decodeShare, M is fixed), one subtraction, and
 * a decoy point D = r·P (+ K, so that its encoding costs the same inversion) for every request. TT takes the encoding of K, or of D when K is the
 * identity (a selection between two points already computed), and the key schedule runs on it.
 * An attacker cannot know r, so a pending pairing built on D fails its confirmation like a wrong
 * guess (a forged cA verifies with probability 2^-256) and nothing derived from the PIN alone is kept.
 */
import type { CryptoBackend } from '../../protocol/crypto/index.ts'
import { isProtocolError } from '../../protocol/errors.ts'
import { SIZES } from '../../protocol/registry.ts'
import { M, n, P } from '../../protocol/spake2/constants.ts'
import {
  computeShare,
  decodeShare,
  encodeShare,
  keySchedule,
  PAIRING_AAD,
  passwordScalar,
  randomScalar,
  respondDevicePairing,
  transcript,
  type DevicePairingState,
  type PairingParties,
} from '../../protocol/spake2/index.ts'

export type ShareInput = PairingParties & { pA: Uint8Array; backend: CryptoBackend }

/** Throws ProtocolError 'invalid-share' when pA is not a valid P-256 point (spec §5.7 step 2). */
export function checkShare(pA: Uint8Array): void {
  decodeShare(pA)
}

/** RFC 9382 §3.3, §4 for B with the same work whatever K is (see the module comment). */
export function respondToShare(input: ShareInput): { pB: Uint8Array; state: DevicePairingState } {
  const { backend, pA } = input
  const A = input.clientKey
  const B = input.deviceKey
  const { w } = passwordScalar(input.pin)
  const y = randomScalar(backend)
  // h = 1 for P-256, so K = h·y·(pA − w·M) = y·pA − ((w·y) mod n)·M; w, y ∈ [1, n−1] and n is
  // prime, so (w·y) mod n is never 0.
  const K = decodeShare(pA).multiply(y).subtract(M.multiply((w * y) % n))
  // D + K, not D: multiply returns Z = 1, which toAffine encodes without the field inversion that
  // K (a sum, Z ≠ 1) needs; the addition gives the decoy a Z ≠ 1 too, and equals D when K = 0.
  const decoy = P.multiply(randomScalar(backend)).add(K)
  const pB = computeShare('B', y, w)
  const TT = transcript({ A, B, pA, pB, K: encodeShare(K.is0() ? decoy : K), w })
  const { Ke, KcA, KcB } = keySchedule(TT, PAIRING_AAD, backend)
  return { pB, state: { TT, Ke, KcA, KcB, backend, confirmed: false } }
}

/**
 * Fault identity-k-fast-path (reference-server/faults.ts): the earlier answer, right in content
 * but fast for K = identity. It lets the timing case 5.7-uniform-work show it detects the oracle.
 */
export function respondToShareFast(input: ShareInput): { pB: Uint8Array; state: DevicePairingState } {
  try {
    return respondDevicePairing(input)
  } catch (e) {
    if (!isProtocolError(e, 'invalid-share')) throw e
    const pB = computeShare('B', randomScalar(input.backend), passwordScalar(input.pin).w)
    const half = SIZES.confirmationMac / 2
    const random = () => input.backend.randomBytes(half)
    const state: DevicePairingState = {
      TT: input.backend.randomBytes(SIZES.confirmationMac),
      Ke: random(), KcA: random(), KcB: random(), backend: input.backend, confirmed: false,
    }
    return { pB, state }
  }
}
