/**
 * The Noise SymmetricState (Noise rev 34 §5.2) with SHA256 (§12.5): the chaining key ck, the
 * handshake hash h and a CipherState, plus HKDF as Noise §4.3 defines it on top of HMAC-SHA256.
 * Used only during the handshake; Split() hands the two transport CipherStates over.
 */
import { defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { concatBytes, utf8Encode } from '../encoding.ts'
import { LABELS } from '../registry.ts'
import { CipherState } from './cipher-state.ts'

// §12.5: HASHLEN for SHA256.
const HASHLEN = 32
const EMPTY = new Uint8Array(0)

/**
 * §4.3 HKDF(chaining_key, input_key_material, num_outputs): temp_key = HMAC(ck, ikm);
 * output1 = HMAC(temp_key, 0x01); output_i = HMAC(temp_key, output_(i-1) || byte(i)).
 * (This is RFC 5869 with salt ck and empty info, cut into HASHLEN-byte outputs.)
 */
export function noiseHkdf(
  chainingKey: Uint8Array,
  inputKeyMaterial: Uint8Array,
  numOutputs: 2,
  backend?: CryptoBackend,
): [Uint8Array, Uint8Array]
export function noiseHkdf(
  chainingKey: Uint8Array,
  inputKeyMaterial: Uint8Array,
  numOutputs: 3,
  backend?: CryptoBackend,
): [Uint8Array, Uint8Array, Uint8Array]
export function noiseHkdf(
  chainingKey: Uint8Array,
  inputKeyMaterial: Uint8Array,
  numOutputs: 2 | 3,
  backend: CryptoBackend = defaultBackend,
): Uint8Array[] {
  const tempKey = backend.hmacSha256(chainingKey, inputKeyMaterial)
  const outputs: Uint8Array[] = []
  let previous: Uint8Array = EMPTY
  for (let i = 1; i <= numOutputs; i++) {
    previous = backend.hmacSha256(tempKey, concatBytes(previous, Uint8Array.of(i)))
    outputs.push(previous)
  }
  return outputs
}

export class SymmetricState {
  readonly #backend: CryptoBackend
  readonly #cipher: CipherState
  #ck: Uint8Array
  #h: Uint8Array

  /**
   * §5.2 InitializeSymmetric(protocol_name): h = protocol_name padded with zeros to HASHLEN when
   * it fits, else HASH(protocol_name); ck = h; InitializeKey(empty). Pairwire's name is exactly
   * HASHLEN (32) bytes, so h is the name itself.
   */
  constructor(protocolName: string = LABELS.noiseProtocolName, backend = defaultBackend) {
    this.#backend = backend
    const name = utf8Encode(protocolName)
    if (name.length <= HASHLEN) {
      this.#h = new Uint8Array(HASHLEN)
      this.#h.set(name)
    } else {
      this.#h = backend.sha256(name)
    }
    this.#ck = this.#h
    this.#cipher = new CipherState(null, backend)
  }

  /** §5.2 MixKey(ikm): ck, temp_k = HKDF(ck, ikm, 2); InitializeKey(temp_k). */
  mixKey(inputKeyMaterial: Uint8Array): void {
    const [ck, tempK] = noiseHkdf(this.#ck, inputKeyMaterial, 2, this.#backend)
    this.#ck = ck
    this.#cipher.initializeKey(tempK)
  }

  /** §5.2 MixHash(data): h = HASH(h || data). */
  mixHash(data: Uint8Array): void {
    this.#h = this.#backend.sha256(concatBytes(this.#h, data))
  }

  /**
   * §5.2 MixKeyAndHash(ikm): ck, temp_h, temp_k = HKDF(ck, ikm, 3); MixHash(temp_h);
   * InitializeKey(temp_k). Used for the psk token (§9.2).
   */
  mixKeyAndHash(inputKeyMaterial: Uint8Array): void {
    const [ck, tempH, tempK] = noiseHkdf(this.#ck, inputKeyMaterial, 3, this.#backend)
    this.#ck = ck
    this.mixHash(tempH)
    this.#cipher.initializeKey(tempK)
  }

  /** §5.2 GetHandshakeHash(): h (a copy). */
  get handshakeHash(): Uint8Array {
    return this.#h.slice()
  }

  /** §5.2 EncryptAndHash(plaintext): ciphertext = EncryptWithAd(h, plaintext); MixHash(ct). */
  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.#cipher.encryptWithAd(this.#h, plaintext)
    this.mixHash(ciphertext)
    return ciphertext
  }

  /**
   * §5.2 DecryptAndHash(ciphertext): plaintext = DecryptWithAd(h, ciphertext);
   * MixHash(ciphertext). An authentication failure is 'handshake-failed' and h is left unchanged.
   */
  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.#cipher.decryptWithAd(this.#h, ciphertext, 'handshake-failed')
    this.mixHash(ciphertext)
    return plaintext
  }

  /**
   * §5.2 Split(): temp_k1, temp_k2 = HKDF(ck, zerolen, 2); returns (c1, c2). The initiator sends
   * with c1 and receives with c2; the responder the other way round (§5.3).
   */
  split(): [CipherState, CipherState] {
    const [k1, k2] = noiseHkdf(this.#ck, EMPTY, 2, this.#backend)
    return [new CipherState(k1, this.#backend), new CipherState(k2, this.#backend)]
  }
}
