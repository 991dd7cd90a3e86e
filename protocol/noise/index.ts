/**
 * Noise_NNpsk0_25519_AESGCM_SHA256 (Noise Protocol Framework rev 34) for Pairwire sessions
 * (spec §7): the handshake, the transport wrapper, the session prologue, and the Noise state
 * objects underneath for tests and other implementations to check against.
 */
export { CipherState } from './cipher-state.ts'
export { AsyncCipherState, AsyncNoiseTransport } from './async-transport.ts'
export { SymmetricState, noiseHkdf } from './symmetric-state.ts'
export {
  HandshakeState,
  type AsyncX25519,
  type HandshakeOptions,
  type NoiseRole,
  type TransportCiphers,
} from './handshake.ts'
export { sessionPrologue } from './prologue.ts'
export { NoiseTransport } from './transport.ts'
