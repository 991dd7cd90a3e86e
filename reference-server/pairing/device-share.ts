/**
 * The device's answer to a share pA (spec §5.7), without the identity-K oracle. The protocol
 * core's respondDevicePairing refuses any pA that leads to K = identity, which happens only for
 * pA = w·M, i.e. a share built from the right PIN. Answering that with 400 invalid-share would
 * confirm an attacker's PIN guess without spending the window's failure budget, so spec §5.7
 * {#pw-pair-5.7-identity-k-no-oracle} requires a normal 200 with a well-formed pB instead and a
 * pending pairing that fails its confirmation: its TT and confirmation keys are fresh random
 * bytes, so no cA can verify (except with probability 2^-256) and nothing secret is derived.
 */
import type { CryptoBackend } from '../../protocol/crypto/index.ts'
import { isProtocolError } from '../../protocol/errors.ts'
import { SIZES } from '../../protocol/registry.ts'
import {
  computeShare,
  decodeShare,
  passwordScalar,
  randomScalar,
  respondDevicePairing,
  type DevicePairingState,
  type PairingParties,
} from '../../protocol/spake2/index.ts'

/** A pB for `pin` and a pending state whose confirmation can never verify. */
function unconfirmable(
  pin: string,
  backend: CryptoBackend,
): { pB: Uint8Array; state: DevicePairingState } {
  const pB = computeShare('B', randomScalar(backend), passwordScalar(pin).w)
  const half = SIZES.confirmationMac / 2
  const state: DevicePairingState = {
    TT: backend.randomBytes(SIZES.confirmationMac),
    Ke: backend.randomBytes(half),
    KcA: backend.randomBytes(half),
    KcB: backend.randomBytes(half),
    backend,
    confirmed: false,
  }
  return { pB, state }
}

/** Throws ProtocolError 'invalid-share' when pA is not a valid P-256 point (spec §5.7 step 2). */
export function checkShare(pA: Uint8Array): void {
  decodeShare(pA)
}

/** respondDevicePairing for a pA that passed checkShare, with K = identity answered as above. */
export function respondToShare(
  input: PairingParties & { pA: Uint8Array; backend: CryptoBackend },
): { pB: Uint8Array; state: DevicePairingState } {
  try {
    return respondDevicePairing(input)
  } catch (e) {
    if (!isProtocolError(e, 'invalid-share')) throw e
    return unconfirmable(input.pin, input.backend)
  }
}
