/**
 * SPAKE2 (RFC 9382) over P-256 with SHA-256, HKDF-SHA256 and HMAC-SHA256, the Pairwire PIN rules
 * and the Pairwire pairing profile (spec §5). The high-level pairing API is what servers and
 * clients use; the lower-level steps are exported for the RFC vector tests and the vector
 * generator, which inject x and y and print every intermediate.
 */
export { M, N, M_COMPRESSED_HEX, N_COMPRESSED_HEX, useFixedPointTables, type Point } from './constants.ts'
export { randomScalar, requireScalar, scalarToBytes } from './scalar.ts'
export { computeShare, decodeShare, encodeShare, sharedPoint, type Role } from './share.ts'
export { transcript, type TranscriptFields } from './transcript.ts'
export {
  confirmationMac,
  keySchedule,
  verifyConfirmation,
  type KeySchedule,
} from './key-schedule.ts'
export { generatePin, isPinSyntax, isTrivialPin, validatePin } from './pin.ts'
export { passwordScalar, type PasswordScalar } from './password.ts'
export {
  confirmDevicePairing,
  derivePairingKey,
  finishClientPairing,
  PAIRING_AAD,
  respondDevicePairing,
  startClientPairing,
  type ClientConfirmation,
  type ClientPairingState,
  type DevicePairingState,
  type PairingParties,
} from './pairing.ts'
