/**
 * The Noise HandshakeState (Noise rev 34 §5.3) for the one pattern Pairwire uses, NNpsk0
 * (pattern NN of §7 with the psk0 modifier of §9), as `Noise_NNpsk0_25519_AESGCM_SHA256`:
 *
 *     NNpsk0:
 *       -> psk, e
 *       <- e, ee
 *
 * The initiator is the client, the responder the device; psk is the pairing key (spec §7.3).
 * Each message is e.public_key (32 bytes) || EncryptAndHash(payload) (payload || 16-byte tag),
 * at most 65535 bytes (§3). After the second message Split() yields the transport CipherStates.
 *
 * The local ephemeral key pair is made when the state is built rather than at the `e` token: the
 * bytes on the wire are the same, and vectors (or WebCrypto's generateKey) can inject it.
 *
 * The *Async methods take the DH from an asynchronous X25519 (WebCrypto in browsers): ee depends
 * only on e and re, both known before a message is processed (re precedes ee in the message that
 * carries it), so DH(e, re) is awaited first and the token loop itself stays synchronous. While
 * one is pending the state accepts no other message, so the §5.3 token order cannot interleave. Size checks happen before any state
 * changes; once a message fails for any other reason the state is dead ('invalid-state' after).
 */
import { defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { concatBytes, constantTimeEqual } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { LABELS, SIZES } from '../registry.ts'
import type { CipherState } from './cipher-state.ts'
import { SymmetricState } from './symmetric-state.ts'

export type NoiseRole = 'initiator' | 'responder'

export interface HandshakeOptions {
  /** 'initiator' = client, 'responder' = device. */
  role: NoiseRole
  /** The 32-byte psk (Noise §9.1): Pairwire's pairing key. */
  psk: Uint8Array
  /** The prologue (Noise §6); Pairwire's is sessionPrologue(client_id, device_id). */
  prologue: Uint8Array
  /** X25519 private key of e; only vectors and tests inject it, otherwise it is fresh. */
  ephemeralPrivateKey?: Uint8Array
  /** e as a whole pair (e.g. from WebCrypto generateKey); the caller vouches that it matches. */
  ephemeralKeyPair?: { privateKey: Uint8Array; publicKey: Uint8Array }
  backend?: CryptoBackend
}

/** Raw X25519 (RFC 7748 §5) computed asynchronously, e.g. by crypto.subtle.deriveBits. */
export type AsyncX25519 = (privateKey: Uint8Array, publicKey: Uint8Array) => Promise<Uint8Array>

/** The transport CipherStates oriented for one side: send with one, receive with the other. */
export interface TransportCiphers {
  send: CipherState
  receive: CipherState
}

type Token = 'psk' | 'e' | 'ee'

// §7 NN plus §9 psk0 (psk first in the first message); even indexes are the initiator's.
const MESSAGE_PATTERNS: readonly (readonly Token[])[] = [
  ['psk', 'e'],
  ['e', 'ee'],
]

const DHLEN = SIZES.x25519Key
// Both messages are e.public_key || ciphertext, and the key is set (by psk) before any payload.
const FIXED_BYTES = DHLEN + SIZES.aeadTag
const ALL_ZERO_DH = new Uint8Array(DHLEN)

export class HandshakeState {
  readonly role: NoiseRole
  readonly #backend: CryptoBackend
  readonly #symmetric: SymmetricState
  readonly #psk: Uint8Array
  readonly #e: { privateKey: Uint8Array; publicKey: Uint8Array }
  #re: Uint8Array | null = null
  #messageIndex = 0
  #failed = false
  #pending = false
  #ciphers: TransportCiphers | null = null
  #handshakeHash: Uint8Array | null = null

  /** §5.3 Initialize(): InitializeSymmetric(name); MixHash(prologue). NN has no pre-messages. */
  constructor(options: HandshakeOptions) {
    const backend = options.backend ?? defaultBackend
    if (options.psk.length !== SIZES.pairingKey) {
      throw new ProtocolError('invalid-length', 'psk must be 32 bytes')
    }
    const pair = options.ephemeralKeyPair
    const privateKey = (pair?.privateKey ?? options.ephemeralPrivateKey)?.slice() ?? backend.randomBytes(DHLEN)
    if (privateKey.length !== DHLEN || (pair !== undefined && pair.publicKey.length !== DHLEN)) {
      throw new ProtocolError('invalid-length', 'ephemeral keys must be 32 bytes')
    }
    this.role = options.role
    this.#backend = backend
    this.#psk = options.psk.slice()
    const publicKey = pair?.publicKey.slice() ?? backend.x25519PublicKey(privateKey)
    this.#e = { privateKey, publicKey }
    this.#symmetric = new SymmetricState(LABELS.noiseProtocolName, backend)
    this.#symmetric.mixHash(options.prologue)
  }

  /** True once both handshake messages have been processed. */
  get complete(): boolean {
    return this.#messageIndex === MESSAGE_PATTERNS.length
  }

  /** §5.3 WriteMessage(payload, message_buffer): returns the message to send. */
  writeMessage(payload: Uint8Array): Uint8Array {
    return this.#write(payload, this.#checkWrite(payload))
  }

  /** writeMessage with DH(e, re) from `x25519` (see the module note). */
  async writeMessageAsync(payload: Uint8Array, x25519: AsyncX25519): Promise<Uint8Array> {
    const pattern = this.#checkWrite(payload)
    const shared = await this.#asyncDh(pattern, x25519, () => this.#re!)
    return this.#write(payload, pattern, shared)
  }

  /** §5.3 ReadMessage(message, payload_buffer): returns the payload; nothing on failure. */
  readMessage(message: Uint8Array): Uint8Array {
    return this.#read(message, this.#checkRead(message))
  }

  /** readMessage with DH(e, re) from `x25519`; re is this message's e token (see the note). */
  async readMessageAsync(message: Uint8Array, x25519: AsyncX25519): Promise<Uint8Array> {
    const pattern = this.#checkRead(message)
    // NNpsk0: a message read with an ee token opens with the peer's e (<- e, ee).
    const shared = await this.#asyncDh(pattern, x25519, () => message.slice(0, DHLEN))
    return this.#read(message, pattern, shared)
  }

  #checkWrite(payload: Uint8Array): readonly Token[] {
    const pattern = this.#nextPattern(true)
    if (FIXED_BYTES + payload.length > SIZES.noiseMaxMessage) {
      throw new ProtocolError('frame-too-large', 'handshake payload too long')
    }
    return pattern
  }

  #checkRead(message: Uint8Array): readonly Token[] {
    const pattern = this.#nextPattern(false)
    if (message.length > SIZES.noiseMaxMessage) {
      throw new ProtocolError('frame-too-large', 'handshake message too long')
    }
    if (message.length < FIXED_BYTES) {
      throw new ProtocolError('frame-too-short', 'handshake message shorter than e and tag')
    }
    return pattern
  }

  /** DH(e, re) awaited before the token loop when the pattern has ee; undefined otherwise. */
  async #asyncDh(
    pattern: readonly Token[],
    x25519: AsyncX25519,
    re: () => Uint8Array,
  ): Promise<Uint8Array | undefined> {
    if (!pattern.includes('ee')) return undefined
    this.#pending = true
    try {
      return await x25519(this.#e.privateKey, re())
    } catch {
      this.#failed = true
      throw new ProtocolError('handshake-failed', 'X25519 rejected the peer ephemeral key')
    } finally {
      this.#pending = false
    }
  }

  #write(payload: Uint8Array, pattern: readonly Token[], shared?: Uint8Array): Uint8Array {
    return this.#failOnThrow(() => {
      const parts: Uint8Array[] = []
      for (const token of pattern) {
        switch (token) {
          case 'psk':
            this.#symmetric.mixKeyAndHash(this.#psk)
            break
          case 'e':
            parts.push(this.#mixEphemeral(this.#e.publicKey))
            break
          case 'ee':
            this.#symmetric.mixKey(this.#dhEe(shared))
        }
      }
      parts.push(this.#symmetric.encryptAndHash(payload))
      this.#finishMessage()
      return concatBytes(...parts)
    })
  }

  #read(message: Uint8Array, pattern: readonly Token[], shared?: Uint8Array): Uint8Array {
    return this.#failOnThrow(() => {
      let offset = 0
      for (const token of pattern) {
        switch (token) {
          case 'psk':
            this.#symmetric.mixKeyAndHash(this.#psk)
            break
          case 'e':
            this.#re = this.#mixEphemeral(message.slice(offset, offset + DHLEN))
            offset += DHLEN
            break
          case 'ee':
            this.#symmetric.mixKey(this.#dhEe(shared))
        }
      }
      const payload = this.#symmetric.decryptAndHash(message.subarray(offset))
      this.#finishMessage()
      return payload
    })
  }

  /** h after the handshake (channel binding, §11.2); 'invalid-state' before completion. */
  get handshakeHash(): Uint8Array {
    if (this.#handshakeHash === null) throw new ProtocolError('invalid-state', 'handshake open')
    return this.#handshakeHash.slice()
  }

  /**
   * The transport CipherStates for this role (initiator sends with c1, responder with c2, §5.3).
   * Handed out once: a second pair on the same keys would reuse nonces.
   */
  split(): TransportCiphers {
    const ciphers = this.#ciphers
    if (ciphers === null) throw new ProtocolError('invalid-state', 'not complete or already split')
    this.#ciphers = null
    return ciphers
  }

  /** The next message pattern, if it is this side's turn to write (or to read). */
  #nextPattern(writing: boolean): readonly Token[] {
    const pattern = MESSAGE_PATTERNS[this.#messageIndex]
    if (this.#failed || this.#pending || pattern === undefined) {
      throw new ProtocolError('invalid-state', 'handshake failed or finished')
    }
    const initiatorsTurn = this.#messageIndex % 2 === 0
    if ((this.role === 'initiator') !== (initiatorsTurn === writing)) {
      throw new ProtocolError('invalid-state', `not our turn to ${writing ? 'write' : 'read'}`)
    }
    return pattern
  }

  #failOnThrow(step: () => Uint8Array): Uint8Array {
    try {
      return step()
    } catch (error) {
      this.#failed = true
      throw error
    }
  }

  /** §5.3 token e: MixHash(e.public_key); §9.2: in a psk handshake also MixKey(e.public_key). */
  #mixEphemeral(publicKey: Uint8Array): Uint8Array {
    this.#symmetric.mixHash(publicKey)
    this.#symmetric.mixKey(publicKey)
    return publicKey
  }

  /**
   * §5.3 token ee: DH(e, re). A low-order re yields the all-zero output or makes the backend
   * refuse it; §12.1 permits signalling an error for that and Pairwire requires it, so a peer can
   * never force a known value into ck. `precomputed` is the awaited DH of the *Async methods.
   */
  #dhEe(precomputed?: Uint8Array): Uint8Array {
    // re is set: the peer's e token precedes ee in both messages of NNpsk0.
    const re = this.#re!
    let shared: Uint8Array
    try {
      shared = precomputed ?? this.#backend.x25519(this.#e.privateKey, re)
    } catch {
      throw new ProtocolError('handshake-failed', 'X25519 rejected the peer ephemeral key')
    }
    if (constantTimeEqual(shared, ALL_ZERO_DH)) {
      throw new ProtocolError('handshake-failed', 'all-zero X25519 output')
    }
    return shared
  }

  /** After the last message: Split(), keep h, and drop the secrets the transport does not need. */
  #finishMessage(): void {
    this.#messageIndex++
    if (!this.complete) return
    const [c1, c2] = this.#symmetric.split()
    this.#ciphers =
      this.role === 'initiator' ? { send: c1, receive: c2 } : { send: c2, receive: c1 }
    this.#handshakeHash = this.#symmetric.handshakeHash
    this.#e.privateKey.fill(0)
    this.#psk.fill(0)
  }
}
