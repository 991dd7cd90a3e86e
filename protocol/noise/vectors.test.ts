// Checks spec requirements: pw-sess-7.3-noise-profile
/**
 * Noise_NNpsk0_25519_AESGCM_SHA256 against the external cacophony vector, under both backends:
 * both handshake messages byte for byte, the handshake hash, and every transport message sealed
 * by its sender and opened by its receiver (messages[2..] alternate initiator, responder).
 */
import t from 'tap'
import { cacophonyVectors } from '../../test-support/cacophony-vectors.ts'
import { availableBackends } from '../crypto/index.ts'
import { hexDecode, hexEncode } from '../encoding.ts'
import { LABELS } from '../registry.ts'
import { HandshakeState, NoiseTransport } from './index.ts'

const onlyPsk = (psks: string[]): Uint8Array => {
  // NNpsk0 has exactly one psk token.
  if (psks.length !== 1) throw new Error('NNpsk0 vectors carry exactly one psk')
  return hexDecode(psks[0]!)
}

for (const backend of await availableBackends()) {
  t.test(`cacophony NNpsk0 vectors (${backend.name})`, (t) => {
    let vectors = 0
    let messages = 0
    for (const v of cacophonyVectors) {
      t.equal(v.protocol_name, LABELS.noiseProtocolName, 'protocol name')
      const initiator = new HandshakeState({
        role: 'initiator',
        psk: onlyPsk(v.init_psks),
        prologue: hexDecode(v.init_prologue),
        ephemeralPrivateKey: hexDecode(v.init_ephemeral),
        backend,
      })
      const responder = new HandshakeState({
        role: 'responder',
        psk: onlyPsk(v.resp_psks),
        prologue: hexDecode(v.resp_prologue),
        ephemeralPrivateKey: hexDecode(v.resp_ephemeral),
        backend,
      })
      const [m1, m2, ...transport] = v.messages
      if (m1 === undefined || m2 === undefined) throw new Error('vector lacks handshake messages')

      const wire1 = initiator.writeMessage(hexDecode(m1.payload))
      t.equal(hexEncode(wire1), m1.ciphertext, 'message 1 (-> psk, e)')
      t.equal(hexEncode(responder.readMessage(wire1)), m1.payload, 'message 1 payload')
      const wire2 = responder.writeMessage(hexDecode(m2.payload))
      t.equal(hexEncode(wire2), m2.ciphertext, 'message 2 (<- e, ee)')
      t.equal(hexEncode(initiator.readMessage(wire2)), m2.payload, 'message 2 payload')
      messages += 2

      t.equal(hexEncode(initiator.handshakeHash), v.handshake_hash, 'initiator handshake hash')
      t.equal(hexEncode(responder.handshakeHash), v.handshake_hash, 'responder handshake hash')

      const sides = [new NoiseTransport(initiator.split()), new NoiseTransport(responder.split())]
      transport.forEach((m, i) => {
        const sender = sides[i % 2]!
        const receiver = sides[(i + 1) % 2]!
        t.equal(hexEncode(sender.seal(hexDecode(m.payload))), m.ciphertext, `transport ${i + 2}`)
        t.equal(hexEncode(receiver.open(hexDecode(m.ciphertext))), m.payload, `open ${i + 2}`)
        messages++
      })
      vectors++
    }
    t.equal(vectors, 1, 'vectors run')
    t.equal(messages, 6, 'messages checked')
    t.end()
  })
}
