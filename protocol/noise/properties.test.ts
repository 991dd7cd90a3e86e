// Checks spec requirements: pw-sess-7.5-auth-failure
/**
 * Properties of the NNpsk0 handshake and transport (fast-check): round trips for any psk,
 * prologue and payloads; any single flipped bit makes the receiver fail with the typed error;
 * both backends agree byte for byte; replayed and reordered transport messages fail.
 */
import fc from 'fast-check'
import t from 'tap'
import { availableBackends, defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { hexEncode } from '../encoding.ts'
import { isProtocolError, type ProtocolErrorCode } from '../errors.ts'
import { HandshakeState } from './handshake.ts'
import { NoiseTransport } from './transport.ts'

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
const payload = fc.uint8Array({ maxLength: 96 })
const traffic = fc.array(fc.record({ fromClient: fc.boolean(), payload }), { maxLength: 8 })

interface Session {
  m1: Uint8Array
  m2: Uint8Array
  client: NoiseTransport
  device: NoiseTransport
}

interface Setup {
  psk: Uint8Array
  prologue: Uint8Array
  p1: Uint8Array
  p2: Uint8Array
  eI?: Uint8Array
  eR?: Uint8Array
}

function handshake(s: Setup, backend: CryptoBackend = defaultBackend): Session {
  const common = { psk: s.psk, prologue: s.prologue, backend }
  const i = new HandshakeState({ ...common, role: 'initiator', ephemeralPrivateKey: s.eI })
  const r = new HandshakeState({ ...common, role: 'responder', ephemeralPrivateKey: s.eR })
  const m1 = i.writeMessage(s.p1)
  if (hexEncode(r.readMessage(m1)) !== hexEncode(s.p1)) throw new Error('payload 1 differs')
  const m2 = r.writeMessage(s.p2)
  if (hexEncode(i.readMessage(m2)) !== hexEncode(s.p2)) throw new Error('payload 2 differs')
  return { m1, m2, client: new NoiseTransport(i.split()), device: new NoiseTransport(r.split()) }
}

const setup = fc.record({
  psk: key32,
  prologue: fc.uint8Array({ maxLength: 64 }),
  p1: payload,
  p2: payload,
})

function failsWith(code: ProtocolErrorCode, action: () => unknown): boolean {
  try {
    action()
    return false
  } catch (error) {
    return isProtocolError(error, code)
  }
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice()
  const index = bit % (out.length * 8)
  out[index >> 3]! ^= 1 << (index & 7)
  return out
}

t.test('(a) any psk, prologue and payload sequence round-trips in both directions', (t) => {
  fc.assert(
    fc.property(setup, traffic, (s, messages) => {
      const { client, device } = handshake(s)
      return messages.every(({ fromClient, payload }) => {
        const [sender, receiver] = fromClient ? [client, device] : [device, client]
        return hexEncode(receiver.open(sender.seal(payload))) === hexEncode(payload)
      })
    }),
    { numRuns: 100 },
  )
  t.pass('round trips held')
  t.end()
})

t.test('(b) one flipped bit in message 1 or 2 is handshake-failed', (t) => {
  fc.assert(
    fc.property(setup, fc.nat(), fc.boolean(), (s, bit, first) => {
      const i = new HandshakeState({ role: 'initiator', psk: s.psk, prologue: s.prologue })
      const r = new HandshakeState({ role: 'responder', psk: s.psk, prologue: s.prologue })
      const m1 = i.writeMessage(s.p1)
      if (first) return failsWith('handshake-failed', () => r.readMessage(flipBit(m1, bit)))
      r.readMessage(m1)
      const m2 = r.writeMessage(s.p2)
      return failsWith('handshake-failed', () => i.readMessage(flipBit(m2, bit)))
    }),
    { numRuns: 150 },
  )
  t.pass('every flipped handshake message failed')
  t.end()
})

t.test('(b) one flipped bit in a transport message is frame-auth-failed', (t) => {
  const sent = fc.array(payload, { minLength: 1, maxLength: 6 })
  fc.assert(
    fc.property(setup, sent, fc.nat(), fc.nat(), (s, payloads, which, bit) => {
      const { client, device } = handshake(s)
      const messages = payloads.map((p) => client.seal(p))
      const k = which % messages.length
      for (let j = 0; j < k; j++) device.open(messages[j]!)
      const flipped = flipBit(messages[k]!, bit)
      if (!failsWith('frame-auth-failed', () => device.open(flipped))) return false
      // The nonce did not advance: the genuine message still opens (the session layer closes).
      return hexEncode(device.open(messages[k]!)) === hexEncode(payloads[k]!)
    }),
    { numRuns: 150 },
  )
  t.pass('every flipped transport message failed')
  t.end()
})

t.test('(c) both backends produce identical bytes for the same keys and payloads', async (t) => {
  const backends = await availableBackends()
  const withKeys = fc.record({ s: setup, eI: key32, eR: key32, messages: traffic })
  fc.assert(
    fc.property(withKeys, ({ s, eI, eR, messages }) => {
      const transcripts = backends.map((backend) => {
        const session = handshake({ ...s, eI, eR }, backend)
        const wire = [session.m1, session.m2]
        for (const { fromClient, payload } of messages) {
          wire.push((fromClient ? session.client : session.device).seal(payload))
        }
        return wire.map(hexEncode).join('.')
      })
      return transcripts.every((transcript) => transcript === transcripts[0])
    }),
    { numRuns: 50 },
  )
  t.equal(backends.length, 2, 'compared noble against node')
  t.end()
})

t.test('(d) a replayed or reordered transport message is frame-auth-failed', (t) => {
  const sent = fc.array(payload, { minLength: 2, maxLength: 6 })
  fc.assert(
    fc.property(setup, sent, fc.nat(), fc.boolean(), (s, payloads, which, replay) => {
      const { client, device } = handshake(s)
      const messages = payloads.map((p) => device.seal(p))
      const k = which % (messages.length - 1)
      for (let j = 0; j < k; j++) client.open(messages[j]!)
      if (replay) {
        client.open(messages[k]!)
        return failsWith('frame-auth-failed', () => client.open(messages[k]!))
      }
      return failsWith('frame-auth-failed', () => client.open(messages[k + 1]!))
    }),
    { numRuns: 150 },
  )
  t.pass('every replay and reordering failed')
  t.end()
})
