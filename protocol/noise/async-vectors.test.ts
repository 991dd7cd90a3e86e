// Checks spec requirements: pw-sess-7.3-noise-profile
/**
 * The browser's asynchronous Noise path (HandshakeState.*Async with a WebCrypto X25519, and
 * AsyncNoiseTransport over WebCrypto AES-256-GCM) against the external cacophony vector, on
 * Node's crypto.subtle (which has X25519 and AES-GCM); and frame order under async encryption:
 * seals issued back to back, with AEAD calls that finish out of order, still use n = 0, 1, 2, …
 */
import { webcrypto } from 'node:crypto'
import t from 'tap'
import { cacophonyVectors } from '../../test-support/cacophony-vectors.ts'
import { nobleBackend } from '../crypto/noble.ts'
import { detectWebCrypto, webCryptoPrimitives, type AeadKey } from '../crypto/webcrypto.ts'
import { hexDecode, hexEncode, utf8Encode } from '../encoding.ts'
import { isProtocolError } from '../errors.ts'
import { AsyncCipherState, AsyncNoiseTransport, HandshakeState, NoiseTransport } from './index.ts'

const subtle = webcrypto.subtle as unknown as SubtleCrypto
const web = webCryptoPrimitives(await detectWebCrypto(subtle), subtle)

t.test('cacophony NNpsk0 vectors on the WebCrypto path', async (t) => {
  t.same(web.sources, { aesGcm: 'webcrypto', x25519: 'webcrypto', ed25519: 'webcrypto' })
  let messages = 0
  for (const v of cacophonyVectors) {
    const side = (role: 'initiator' | 'responder', psk: string, prologue: string, e: string) =>
      new HandshakeState({ role, psk: hexDecode(psk), prologue: hexDecode(prologue), ephemeralPrivateKey: hexDecode(e), backend: nobleBackend })
    const initiator = side('initiator', v.init_psks[0]!, v.init_prologue, v.init_ephemeral)
    const responder = side('responder', v.resp_psks[0]!, v.resp_prologue, v.resp_ephemeral)
    const [m1, m2, ...transport] = v.messages
    const wire1 = await initiator.writeMessageAsync(hexDecode(m1!.payload), web.x25519)
    t.equal(hexEncode(wire1), m1!.ciphertext, 'message 1')
    t.equal(hexEncode(await responder.readMessageAsync(wire1, web.x25519)), m1!.payload)
    const wire2 = await responder.writeMessageAsync(hexDecode(m2!.payload), web.x25519)
    t.equal(hexEncode(wire2), m2!.ciphertext, 'message 2 (ee by WebCrypto deriveBits)')
    t.equal(hexEncode(await initiator.readMessageAsync(wire2, web.x25519)), m2!.payload)
    t.equal(hexEncode(initiator.handshakeHash), v.handshake_hash, 'handshake hash')
    messages += 2
    const sides = [
      await AsyncNoiseTransport.from(initiator.split(), web.aes256gcmKey),
      await AsyncNoiseTransport.from(responder.split(), web.aes256gcmKey),
    ]
    for (const [i, m] of transport.entries()) {
      t.equal(hexEncode(await sides[i % 2]!.seal(hexDecode(m.payload))), m.ciphertext, `transport ${i + 2}`)
      t.equal(hexEncode(await sides[(i + 1) % 2]!.open(hexDecode(m.ciphertext))), m.payload, `open ${i + 2}`)
      messages++
    }
  }
  t.equal(messages, 6, 'messages checked')
  t.ok(web.counts.aesGcm >= 8 && web.counts.x25519 >= 2, 'the work was counted as WebCrypto operations')
})

t.test('a WebCrypto X25519 key pair is a valid pair', async (t) => {
  const pair = await web.x25519KeyPair()
  t.same(pair.publicKey, nobleBackend.x25519PublicKey(pair.privateKey))
})

t.test('a low-order peer e fails the async handshake as handshake-failed', async (t) => {
  const psk = new Uint8Array(32).fill(1)
  const initiator = new HandshakeState({ role: 'initiator', psk, prologue: new Uint8Array(0), backend: nobleBackend })
  const responder = new HandshakeState({ role: 'responder', psk, prologue: new Uint8Array(0), backend: nobleBackend })
  responder.readMessage(initiator.writeMessage(new Uint8Array(0)))
  const wire2 = responder.writeMessage(new Uint8Array(0))
  wire2.fill(0, 0, 32) // e = 0 is a low-order point: DH is all zeros or refused
  const failure = await initiator.readMessageAsync(wire2, web.x25519).then(() => null, (e: unknown) => e)
  t.ok(isProtocolError(failure, 'handshake-failed'), 'handshake-failed')
  let after: unknown
  try {
    initiator.readMessage(wire2)
  } catch (e) {
    after = e
  }
  t.ok(isProtocolError(after, 'invalid-state'), 'the state is dead after the failure')
})

/** An AEAD whose calls finish in reverse order of their start, to provoke reordering. */
function shuffledKey(key: Uint8Array): AeadKey {
  let delay = 20
  const later = <T>(value: T) => new Promise<T>((r) => setTimeout(() => r(value), (delay = Math.max(0, delay - 4))))
  return {
    seal: (nonce, ad, p) => later(nobleBackend.aes256gcmSeal(key, nonce, ad, p)),
    open: (nonce, ad, s) => later(nobleBackend.aes256gcmOpen(key, nonce, ad, s)),
  }
}

t.test('back-to-back seals keep nonce order; a failed open leaves n unchanged', async (t) => {
  const key = new Uint8Array(32).fill(4)
  const sender = new AsyncNoiseTransport(new AsyncCipherState(shuffledKey(key)), new AsyncCipherState(shuffledKey(key)))
  const { CipherState } = await import('./cipher-state.ts')
  const receiver = new NoiseTransport({ send: new CipherState(key, nobleBackend), receive: new CipherState(key, nobleBackend) })
  const frames = await Promise.all([0, 1, 2, 3, 4].map((i) => sender.seal(utf8Encode(`frame ${i}`))))
  t.same(frames.map((f) => new TextDecoder().decode(receiver.open(f))), [0, 1, 2, 3, 4].map((i) => `frame ${i}`))

  const echo = new NoiseTransport({ send: new CipherState(key, nobleBackend), receive: new CipherState(key, nobleBackend) })
  const sealed = [0, 1, 2].map((i) => echo.seal(utf8Encode(`reply ${i}`)))
  const bad = sealed[1]!.slice()
  bad[0]! ^= 1
  const opened = [sender.open(sealed[0]!), sender.open(bad), sender.open(sealed[1]!), sender.open(sealed[2]!)]
  const results = await Promise.allSettled(opened)
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
  t.ok(isProtocolError((results[1] as PromiseRejectedResult).reason, 'frame-auth-failed'))
})
