/**
 * CipherState (Noise rev 34 §5.1) with AESGCM (§12.4): the nonce layout 0^32 || n big-endian,
 * the counter across the 32-bit boundary, exhaustion at the reserved 2^64-1, no advance on a
 * failed decryption, and the empty-key pass-through.
 */
import t from 'tap'
import { availableBackends } from '../crypto/index.ts'
import { hexDecode } from '../encoding.ts'
import { CipherState } from './cipher-state.ts'

const MAX_NONCE = (1n << 64n) - 1n
const key = hexDecode('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f')
const ad = Uint8Array.of(1, 2, 3)
const plaintext = new TextEncoder().encode('pairwire transport')

for (const backend of await availableBackends()) {
  t.test(`${backend.name}: ENCRYPT uses the nonce 4 zero bytes || n big-endian`, (t) => {
    const cipher = new CipherState(key, backend)
    cipher.setNonce(0x0102030405060708n)
    const nonce = hexDecode('000000000102030405060708')
    t.same(cipher.encryptWithAd(ad, plaintext), backend.aes256gcmSeal(key, nonce, ad, plaintext))
    t.equal(cipher.nonce, 0x0102030405060709n, 'n advanced by one')
    t.end()
  })

  t.test(`${backend.name}: n carries across the 32-bit boundary`, (t) => {
    const cipher = new CipherState(key, backend)
    cipher.setNonce(0xffffffffn)
    cipher.encryptWithAd(ad, plaintext)
    t.equal(cipher.nonce, 0x100000000n)
    const nonce = hexDecode('000000000000000100000000')
    t.same(cipher.encryptWithAd(ad, plaintext), backend.aes256gcmSeal(key, nonce, ad, plaintext))
    t.end()
  })

  t.test(`${backend.name}: encrypt and decrypt agree and count in step`, (t) => {
    const sender = new CipherState(key, backend)
    const receiver = new CipherState(key, backend)
    for (let i = 0; i < 3; i++) {
      t.same(receiver.decryptWithAd(ad, sender.encryptWithAd(ad, plaintext)), plaintext)
    }
    t.equal(sender.nonce, 3n)
    t.equal(receiver.nonce, 3n)
    t.end()
  })

  t.test(`${backend.name}: a failed decryption throws and does not advance n`, (t) => {
    const sender = new CipherState(key, backend)
    const receiver = new CipherState(key, backend)
    const sealed = sender.encryptWithAd(ad, plaintext)
    const altered = sealed.slice()
    altered[0]! ^= 1
    t.throws(() => receiver.decryptWithAd(ad, altered), { code: 'frame-auth-failed' })
    t.throws(() => receiver.decryptWithAd(Uint8Array.of(9), sealed), { code: 'frame-auth-failed' })
    const short = sealed.subarray(0, 15)
    t.throws(() => receiver.decryptWithAd(ad, short), { code: 'frame-auth-failed' })
    t.throws(() => receiver.decryptWithAd(ad, altered, 'handshake-failed'), {
      code: 'handshake-failed',
    })
    t.equal(receiver.nonce, 0n, 'n unchanged')
    t.same(receiver.decryptWithAd(ad, sealed), plaintext, 'the genuine message still opens')
    t.end()
  })
}

t.test('n = 2^64-1 is reserved: one call succeeds at 2^64-2, the next is nonce-exhausted', (t) => {
  const sender = new CipherState(key)
  const receiver = new CipherState(key)
  sender.setNonce(MAX_NONCE - 1n)
  receiver.setNonce(MAX_NONCE - 1n)
  const last = sender.encryptWithAd(ad, plaintext)
  t.equal(sender.nonce, MAX_NONCE)
  t.throws(() => sender.encryptWithAd(ad, plaintext), { code: 'nonce-exhausted' })
  t.same(receiver.decryptWithAd(ad, last), plaintext)
  t.throws(() => receiver.decryptWithAd(ad, last), { code: 'nonce-exhausted' })
  t.equal(sender.nonce, MAX_NONCE, 'still exhausted')
  t.end()
})

t.test('SetNonce accepts exactly the 64-bit range', (t) => {
  const cipher = new CipherState(key)
  cipher.setNonce(MAX_NONCE)
  t.equal(cipher.nonce, MAX_NONCE)
  t.throws(() => cipher.setNonce(-1n), { code: 'invalid-state' })
  t.throws(() => cipher.setNonce(MAX_NONCE + 1n), { code: 'invalid-state' })
  t.equal(cipher.nonce, MAX_NONCE, 'a rejected SetNonce changes nothing')
  t.end()
})

t.test('with an empty k, EncryptWithAd and DecryptWithAd pass data through', (t) => {
  const cipher = new CipherState()
  t.equal(cipher.hasKey(), false)
  t.same(cipher.encryptWithAd(ad, plaintext), plaintext)
  t.same(cipher.decryptWithAd(ad, plaintext), plaintext)
  t.equal(cipher.nonce, 0n)
  t.end()
})

t.test('InitializeKey takes a 32-byte copy of k and resets n', (t) => {
  const cipher = new CipherState()
  cipher.setNonce(5n)
  const k = key.slice()
  cipher.initializeKey(k)
  t.equal(cipher.hasKey(), true)
  t.equal(cipher.nonce, 0n)
  const expected = new CipherState(key).encryptWithAd(ad, plaintext)
  k.fill(0)
  t.same(cipher.encryptWithAd(ad, plaintext), expected, 'later changes to k are ignored')
  t.throws(() => cipher.initializeKey(new Uint8Array(31)), { code: 'invalid-length' })
  t.throws(() => new CipherState(new Uint8Array(33)), { code: 'invalid-length' })
  t.end()
})
