/**
 * Noise transport messages as Pairwire uses them (Noise rev 34 §5.1, §5.3; spec §7): each
 * WebSocket binary frame after the handshake is one EncryptWithAd(ad = empty, plaintext), at most
 * 65535 bytes (§3), so a plaintext is at most 65535 - 16 bytes. The implicit counters make any
 * altered, replayed, reordered or dropped-before frame fail as 'frame-auth-failed'.
 */
import { ProtocolError } from '../errors.ts'
import { SIZES } from '../registry.ts'
import type { TransportCiphers } from './handshake.ts'

const EMPTY_AD = new Uint8Array(0)
const MAX_PLAINTEXT = SIZES.noiseMaxMessage - SIZES.aeadTag

export class NoiseTransport {
  readonly #send
  readonly #receive

  /** Takes the CipherStates of HandshakeState.split(). */
  constructor(ciphers: TransportCiphers) {
    this.#send = ciphers.send
    this.#receive = ciphers.receive
  }

  /** Encrypts one outgoing message: ciphertext || 16-byte tag. */
  seal(plaintext: Uint8Array): Uint8Array {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new ProtocolError('frame-too-large', 'plaintext longer than 65535 - 16 bytes')
    }
    const sealed = this.#send.encryptWithAd(EMPTY_AD, plaintext)
    // The next message's context is made only once a message has gone this way, so a session
    // idle since its handshake holds none (about 1.9 KB each on node:crypto).
    this.#send.ahead('seal')
    return sealed
  }

  /** Decrypts the next incoming message; throws and returns nothing unless it authenticates. */
  open(message: Uint8Array): Uint8Array {
    if (message.length > SIZES.noiseMaxMessage) {
      throw new ProtocolError('frame-too-large', 'transport message longer than 65535 bytes')
    }
    if (message.length < SIZES.aeadTag) {
      throw new ProtocolError('frame-too-short', 'transport message shorter than its tag')
    }
    const plaintext = this.#receive.decryptWithAd(EMPTY_AD, message)
    this.#receive.ahead('open')
    return plaintext
  }
}
