/**
 * Noise transport messages (Noise rev 34 §5.1, §5.3; spec §7.5) over an asynchronous AES-256-GCM
 * (WebCrypto in browsers, protocol/crypto/webcrypto.ts). The bytes are those of NoiseTransport
 * (transport.ts); only the cipher call is awaited.
 *
 * Order is the whole difficulty: §5.1 forms each nonce from the counter n, which the receiver
 * keeps in step implicitly, so frames must be sealed with n = 0, 1, 2, … and reach the socket in
 * that order, and received frames must be opened in arrival order. Each direction is therefore a
 * queue: a seal or open starts only when the previous one of the same direction has settled, and
 * its promises settle in call order. A caller that sends each frame as its seal resolves (and
 * chains those sends, as reference-client/session.ts does) keeps wire order = nonce order.
 */
import type { AeadKey } from '../crypto/webcrypto.ts'
import { ProtocolError } from '../errors.ts'
import { SIZES } from '../registry.ts'
import { aesGcmNonce } from './cipher-state.ts'
import type { TransportCiphers } from './handshake.ts'

const EMPTY_AD = new Uint8Array(0)
const MAX_PLAINTEXT = SIZES.noiseMaxMessage - SIZES.aeadTag
const TWO_POW_32 = 1n << 32n
// §5.1: n = 2^64-1 is reserved; reaching it is nonce exhaustion.
const MAX_NONCE = (1n << 64n) - 1n

/** The §5.1 CipherState with its k imported once into an asynchronous AEAD. */
export class AsyncCipherState {
  readonly #key: AeadKey
  #n: bigint
  #queue: Promise<unknown> = Promise.resolve()

  constructor(key: AeadKey, nonce = 0n) {
    this.#key = key
    this.#n = nonce
  }

  /** The current n (for tests). */
  get nonce(): bigint {
    return this.#n
  }

  /** §5.1 EncryptWithAd, queued behind every earlier call. */
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.#enqueue(async () => {
      const sealed = await this.#key.seal(this.#aesNonce(), ad, plaintext)
      this.#n++
      return sealed
    })
  }

  /** §5.1 DecryptWithAd, queued; on failure n stays and 'frame-auth-failed' is thrown. */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.#enqueue(async () => {
      const plaintext = await this.#key.open(this.#aesNonce(), ad, ciphertext)
      if (plaintext === null) throw new ProtocolError('frame-auth-failed')
      this.#n++
      return plaintext
    })
  }

  #aesNonce(): Uint8Array {
    if (this.#n === MAX_NONCE) throw new ProtocolError('nonce-exhausted')
    return aesGcmNonce(Number(this.#n / TWO_POW_32), Number(this.#n % TWO_POW_32))
  }

  /** Runs `step` after every earlier step has settled; a failed step does not block the next. */
  #enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(step, step)
    this.#queue = run.catch(() => {})
    return run
  }
}

/** NoiseTransport with asynchronous seal and open (the size checks are the same, §3). */
export class AsyncNoiseTransport {
  readonly #send: AsyncCipherState
  readonly #receive: AsyncCipherState

  constructor(send: AsyncCipherState, receive: AsyncCipherState) {
    this.#send = send
    this.#receive = receive
  }

  /**
   * Takes over the CipherStates of HandshakeState.split() (their k and n, handed over and emptied
   * there) with `importKey` making the asynchronous AEAD for each k.
   */
  static async from(
    ciphers: TransportCiphers,
    importKey: (key: Uint8Array) => Promise<AeadKey>,
  ): Promise<AsyncNoiseTransport> {
    const cipher = async (state: TransportCiphers['send']) => {
      const { key, nonce } = state.handOver()
      try {
        return new AsyncCipherState(await importKey(key), nonce)
      } finally {
        key.fill(0)
      }
    }
    return new AsyncNoiseTransport(await cipher(ciphers.send), await cipher(ciphers.receive))
  }

  /** Encrypts one outgoing message: ciphertext || 16-byte tag, in call order (module note). */
  async seal(plaintext: Uint8Array): Promise<Uint8Array> {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new ProtocolError('frame-too-large', 'plaintext longer than 65535 - 16 bytes')
    }
    return this.#send.encryptWithAd(EMPTY_AD, plaintext)
  }

  /** Decrypts the next incoming message, in call order; rejects unless it authenticates. */
  async open(message: Uint8Array): Promise<Uint8Array> {
    if (message.length > SIZES.noiseMaxMessage) {
      throw new ProtocolError('frame-too-large', 'transport message longer than 65535 bytes')
    }
    if (message.length < SIZES.aeadTag) {
      throw new ProtocolError('frame-too-short', 'transport message shorter than its tag')
    }
    return this.#receive.decryptWithAd(EMPTY_AD, message)
  }
}
