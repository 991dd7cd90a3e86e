/**
 * The Pairwire pairing profile of SPAKE2 (spec §5.5, §5.6), shaped like the two HTTP round trips:
 * pair/start carries pA and returns pB, pair/finish carries cA and returns cB. A is the client and
 * B the device; their identities in TT are their 32-byte Ed25519 public keys, so a completed
 * pairing also authenticates both long-term keys. AAD = LABELS.spake2Aad. The pairing key is
 * HKDF-SHA256(salt = empty, IKM = Ke, info = LABELS.pairingKeyInfo, L = 32) and never leaves a
 * party. Each side learns the pairing key only after the peer's confirmation MAC verifies, and the
 * device checks cA before it reveals cB.
 */
import { defaultBackend, hkdfSha256, type CryptoBackend } from '../crypto/index.ts'
import { utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { LABELS, SIZES } from '../registry.ts'
import { confirmationMac, keySchedule, verifyConfirmation } from './key-schedule.ts'
import { passwordScalar } from './password.ts'
import { randomScalar } from './scalar.ts'
import { computeShare, sharedPoint } from './share.ts'
import { transcript } from './transcript.ts'

/** RFC 9382 §4 AAD of the Pairwire profile. */
export const PAIRING_AAD: Uint8Array = utf8Encode(LABELS.spake2Aad)
const PAIRING_KEY_INFO = utf8Encode(LABELS.pairingKeyInfo)

/** Spec §5.6: pairing key = HKDF-SHA256(salt = empty, IKM = Ke, info = pairingKeyInfo, L = 32). */
export function derivePairingKey(
  Ke: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): Uint8Array {
  return hkdfSha256(backend, Ke, new Uint8Array(0), PAIRING_KEY_INFO, SIZES.pairingKey)
}

function requireEd25519Key(key: Uint8Array, name: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== SIZES.ed25519PublicKey) {
    throw new ProtocolError('invalid-length', `${name} must be a 32-byte Ed25519 public key`)
  }
  return key
}

export interface PairingParties {
  /** Six ASCII digits; the client passes what its user typed, the device its window's PIN. */
  pin: string
  /** A: the client's Ed25519 public key. */
  clientKey: Uint8Array
  /** B: the device's Ed25519 public key. */
  deviceKey: Uint8Array
  backend?: CryptoBackend
}

export interface ClientPairingState {
  readonly A: Uint8Array
  readonly B: Uint8Array
  readonly w: bigint
  readonly x: bigint
  readonly pA: Uint8Array
  readonly backend: CryptoBackend
}

/** Client, before pair/start: pA = x*P + w*M. `x` is injectable for vectors only. */
export function startClientPairing(
  input: PairingParties & { x?: bigint },
): { pA: Uint8Array; state: ClientPairingState } {
  const backend = input.backend ?? defaultBackend
  const A = requireEd25519Key(input.clientKey, 'clientKey')
  const B = requireEd25519Key(input.deviceKey, 'deviceKey')
  const { w } = passwordScalar(input.pin)
  const x = input.x ?? randomScalar(backend)
  const pA = computeShare('A', x, w)
  return { pA, state: { A, B, w, x, pA, backend } }
}

export interface ClientConfirmation {
  /** cA, sent in pair/finish. */
  cA: Uint8Array
  /** Checks the device's cB; returns the pairing key only when it verifies. */
  verifyDeviceConfirmation(cB: Uint8Array): Uint8Array
}

/** Client, after pair/start answered pB: computes K, TT and the keys; returns cA. */
export function finishClientPairing(state: ClientPairingState, pB: Uint8Array): ClientConfirmation {
  const { A, B, w, x, pA, backend } = state
  const K = sharedPoint('A', x, w, pB)
  const TT = transcript({ A, B, pA, pB, K, w })
  const { Ke, KcA, KcB } = keySchedule(TT, PAIRING_AAD, backend)
  return {
    cA: confirmationMac(KcA, TT, backend),
    verifyDeviceConfirmation(cB: Uint8Array): Uint8Array {
      verifyConfirmation(KcB, TT, cB, backend)
      return derivePairingKey(Ke, backend)
    },
  }
}

export interface DevicePairingState {
  readonly TT: Uint8Array
  readonly Ke: Uint8Array
  readonly KcA: Uint8Array
  readonly KcB: Uint8Array
  readonly backend: CryptoBackend
  /** Set by the first confirmDevicePairing call: one state allows one confirmation attempt. */
  confirmed: boolean
}

/**
 * Device, on pair/start: checks pA, returns pB = y*P + w*N and keeps the keys for pair/finish.
 * A bad pA is 'invalid-share'. `y` is injectable for vectors only.
 */
export function respondDevicePairing(
  input: PairingParties & { pA: Uint8Array; y?: bigint },
): { pB: Uint8Array; state: DevicePairingState } {
  const backend = input.backend ?? defaultBackend
  const A = requireEd25519Key(input.clientKey, 'clientKey')
  const B = requireEd25519Key(input.deviceKey, 'deviceKey')
  const { w } = passwordScalar(input.pin)
  const y = input.y ?? randomScalar(backend)
  const { pA } = input
  const K = sharedPoint('B', y, w, pA)
  const pB = computeShare('B', y, w)
  const TT = transcript({ A, B, pA, pB, K, w })
  const { Ke, KcA, KcB } = keySchedule(TT, PAIRING_AAD, backend)
  return { pB, state: { TT, Ke, KcA, KcB, backend, confirmed: false } }
}

/**
 * Device, on pair/finish: verifies cA first ('confirmation-failed' otherwise), and only then
 * returns cB and the pairing key. A second call on the same state is 'invalid-state'.
 */
export function confirmDevicePairing(
  state: DevicePairingState,
  cA: Uint8Array,
): { cB: Uint8Array; pairingKey: Uint8Array } {
  if (state.confirmed) throw new ProtocolError('invalid-state', 'pairing state already used')
  state.confirmed = true
  const { TT, Ke, KcA, KcB, backend } = state
  verifyConfirmation(KcA, TT, cA, backend)
  return { cB: confirmationMac(KcB, TT, backend), pairingKey: derivePairingKey(Ke, backend) }
}
