/**
 * SymmetricState (Noise rev 34 §5.2) and Noise's HKDF (§4.3), checked against independent
 * compositions of the backend primitives: RFC 5869 HKDF for HKDF, SHA-256 for MixHash, raw
 * AES-256-GCM for the keys MixKey and Split install.
 */
import t from 'tap'
import { availableBackends, hkdfSha256 } from '../crypto/index.ts'
import { concatBytes, utf8Encode } from '../encoding.ts'
import { LABELS } from '../registry.ts'
import { noiseHkdf, SymmetricState } from './symmetric-state.ts'

const ck = Uint8Array.from({ length: 32 }, (_, i) => i)
const ikm = utf8Encode('input key material')
const zeroNonce = new Uint8Array(12)
const EMPTY = new Uint8Array(0)

for (const backend of await availableBackends()) {
  t.test(`${backend.name}: HKDF(ck, ikm, n) is RFC 5869 with salt ck and empty info`, (t) => {
    const rfc5869 = hkdfSha256(backend, ikm, ck, EMPTY, 96)
    t.same(concatBytes(...noiseHkdf(ck, ikm, 3, backend)), rfc5869)
    t.same(concatBytes(...noiseHkdf(ck, ikm, 2, backend)), rfc5869.subarray(0, 64))
    t.end()
  })

  t.test(`${backend.name}: InitializeSymmetric pads a short name, hashes a long one`, (t) => {
    const name = utf8Encode(LABELS.noiseProtocolName)
    t.equal(name.length, 32, 'the Pairwire protocol name is exactly HASHLEN bytes')
    t.same(new SymmetricState(LABELS.noiseProtocolName, backend).handshakeHash, name)
    const padded = new Uint8Array(32)
    padded.set(utf8Encode('Noise_NN_25519_AESGCM_SHA256'))
    t.same(new SymmetricState('Noise_NN_25519_AESGCM_SHA256', backend).handshakeHash, padded)
    const long = 'Noise_NNpsk0+psk2_25519_AESGCM_SHA256'
    t.same(new SymmetricState(long, backend).handshakeHash, backend.sha256(utf8Encode(long)))
    t.end()
  })

  t.test(`${backend.name}: MixHash(data) sets h = HASH(h || data)`, (t) => {
    const state = new SymmetricState(LABELS.noiseProtocolName, backend)
    const h0 = state.handshakeHash
    state.mixHash(ikm)
    t.same(state.handshakeHash, backend.sha256(concatBytes(h0, ikm)))
    t.end()
  })

  t.test(`${backend.name}: without a key EncryptAndHash passes plaintext and hashes it`, (t) => {
    const state = new SymmetricState(LABELS.noiseProtocolName, backend)
    const h0 = state.handshakeHash
    t.same(state.encryptAndHash(ikm), ikm)
    t.same(state.handshakeHash, backend.sha256(concatBytes(h0, ikm)))
    t.end()
  })

  t.test(`${backend.name}: MixKey installs temp_k; EncryptAndHash uses h as ad`, (t) => {
    const state = new SymmetricState(LABELS.noiseProtocolName, backend)
    const h0 = state.handshakeHash
    state.mixKey(ikm)
    const [, tempK] = noiseHkdf(h0, ikm, 2, backend)
    const sealed = state.encryptAndHash(ikm)
    t.same(sealed, backend.aes256gcmSeal(tempK, zeroNonce, h0, ikm))
    t.same(state.handshakeHash, backend.sha256(concatBytes(h0, sealed)), 'h mixes the ciphertext')
    t.end()
  })

  t.test(`${backend.name}: MixKeyAndHash mixes temp_h into h and installs temp_k`, (t) => {
    const state = new SymmetricState(LABELS.noiseProtocolName, backend)
    const h0 = state.handshakeHash
    state.mixKeyAndHash(ikm)
    const [, tempH, tempK] = noiseHkdf(h0, ikm, 3, backend)
    const h1 = backend.sha256(concatBytes(h0, tempH))
    t.same(state.handshakeHash, h1)
    t.same(state.encryptAndHash(EMPTY), backend.aes256gcmSeal(tempK, zeroNonce, h1, EMPTY))
    t.end()
  })

  t.test(`${backend.name}: DecryptAndHash inverts EncryptAndHash; failure keeps h`, (t) => {
    const sender = new SymmetricState(LABELS.noiseProtocolName, backend)
    const receiver = new SymmetricState(LABELS.noiseProtocolName, backend)
    sender.mixKey(ikm)
    receiver.mixKey(ikm)
    const sealed = sender.encryptAndHash(ikm)
    const altered = sealed.slice()
    altered[altered.length - 1]! ^= 0x80
    const before = receiver.handshakeHash
    t.throws(() => receiver.decryptAndHash(altered), { code: 'handshake-failed' })
    t.same(receiver.handshakeHash, before, 'h unchanged by the failure')
    t.same(receiver.decryptAndHash(sealed), ikm)
    t.same(receiver.handshakeHash, sender.handshakeHash)
    t.end()
  })

  t.test(`${backend.name}: Split derives c1, c2 = HKDF(ck, zerolen, 2) with n = 0`, (t) => {
    const state = new SymmetricState(LABELS.noiseProtocolName, backend)
    const h0 = state.handshakeHash
    state.mixKey(ikm)
    const [ck1] = noiseHkdf(h0, ikm, 2, backend)
    const [k1, k2] = noiseHkdf(ck1, EMPTY, 2, backend)
    const [c1, c2] = state.split()
    t.same(c1.encryptWithAd(EMPTY, ikm), backend.aes256gcmSeal(k1, zeroNonce, EMPTY, ikm))
    t.same(c2.encryptWithAd(EMPTY, ikm), backend.aes256gcmSeal(k2, zeroNonce, EMPTY, ikm))
    t.end()
  })
}
