/**
 * NoiseTransport (spec §7, Noise rev 34 §5.1): empty-ad transport messages, the 65535-byte
 * limit on both sides, short messages, authentication failure without nonce advance, exhaustion.
 */
import t from 'tap'
import { availableBackends, type CryptoBackend } from '../crypto/index.ts'
import { utf8Encode } from '../encoding.ts'
import { SIZES } from '../registry.ts'
import { CipherState } from './cipher-state.ts'
import { HandshakeState } from './handshake.ts'
import { NoiseTransport } from './transport.ts'

const psk = new Uint8Array(32).fill(3)
const prologue = utf8Encode('transport tests')
const MAX_PLAINTEXT = SIZES.noiseMaxMessage - SIZES.aeadTag

function session(backend: CryptoBackend): { client: NoiseTransport; device: NoiseTransport } {
  const initiator = new HandshakeState({ role: 'initiator', psk, prologue, backend })
  const responder = new HandshakeState({ role: 'responder', psk, prologue, backend })
  responder.readMessage(initiator.writeMessage(new Uint8Array(0)))
  initiator.readMessage(responder.writeMessage(new Uint8Array(0)))
  return {
    client: new NoiseTransport(initiator.split()),
    device: new NoiseTransport(responder.split()),
  }
}

for (const backend of await availableBackends()) {
  t.test(`${backend.name}: seal and open use empty ad, in both directions`, (t) => {
    const { client, device } = session(backend)
    const message = client.seal(utf8Encode('{"jsonrpc":"2.0"}'))
    t.equal(message.length, 17 + SIZES.aeadTag)
    t.same(device.open(message), utf8Encode('{"jsonrpc":"2.0"}'))
    t.same(client.open(device.seal(new Uint8Array(0))), new Uint8Array(0), 'empty plaintext')
    t.end()
  })

  t.test(`${backend.name}: 65535-byte messages pass; one byte more is frame-too-large`, (t) => {
    const { client, device } = session(backend)
    t.throws(() => client.seal(new Uint8Array(MAX_PLAINTEXT + 1)), { code: 'frame-too-large' })
    const largest = client.seal(new Uint8Array(MAX_PLAINTEXT))
    t.equal(largest.length, SIZES.noiseMaxMessage)
    t.throws(() => device.open(new Uint8Array(SIZES.noiseMaxMessage + 1)), {
      code: 'frame-too-large',
    })
    t.equal(device.open(largest).length, MAX_PLAINTEXT, 'rejections did not advance n')
    t.end()
  })

  t.test(`${backend.name}: short or forged messages fail and do not advance n`, (t) => {
    const { client, device } = session(backend)
    const genuine = client.seal(utf8Encode('ping'))
    t.throws(() => device.open(genuine.subarray(0, SIZES.aeadTag - 1)), { code: 'frame-too-short' })
    t.throws(() => device.open(new Uint8Array(SIZES.aeadTag)), { code: 'frame-auth-failed' })
    t.throws(() => device.open(genuine.subarray(1)), { code: 'frame-auth-failed' })
    t.same(device.open(genuine), utf8Encode('ping'))
    t.end()
  })
}

t.test('sealing at n = 2^64-2 works once, then nonce-exhausted', (t) => {
  const key = new Uint8Array(32).fill(1)
  const send = new CipherState(key)
  send.setNonce((1n << 64n) - 2n)
  const transport = new NoiseTransport({ send, receive: new CipherState(key) })
  transport.seal(utf8Encode('last'))
  t.throws(() => transport.seal(utf8Encode('one too many')), { code: 'nonce-exhausted' })
  t.end()
})
