/**
 * The node backend's contexts made ahead (aes256gcmAhead): whatever the order of hints, turns of
 * the event loop, nonces and AADs, every seal and open gives exactly the bytes of the noble
 * backend (which the external vectors pin), so a context made for one nonce is never used for
 * another; and on the path a Noise transport takes, the next message does use one.
 */
import fc from 'fast-check'
import t from 'tap'
import { constantTimeEqual, utf8Encode } from '../encoding.ts'
import { HandshakeState, NoiseTransport } from '../noise/index.ts'
import { aesGcmNonce } from '../noise/cipher-state.ts'
import { nobleBackend } from './noble.ts'
import { aheadContextsUsed, nodeBackend } from './node.ts'

const nextTurn = () => new Promise((done) => setImmediate(done))

type Step =
  | { kind: 'hint'; nonce: number; operation: 'seal' | 'open' }
  | { kind: 'turn' }
  | { kind: 'seal' | 'open' | 'tampered'; nonce: number; withAd: boolean; plaintext: Uint8Array }

const nonceArb = fc.integer({ min: 0, max: 3 })
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('hint' as const), nonce: nonceArb, operation: fc.constantFrom('seal' as const, 'open' as const) }),
  fc.record({ kind: fc.constant('turn' as const) }),
  fc.record({
    kind: fc.constantFrom('seal' as const, 'open' as const, 'tampered' as const),
    nonce: nonceArb,
    withAd: fc.boolean(),
    plaintext: fc.uint8Array({ maxLength: 64 }),
  }),
)

t.test('any mix of hints, turns, nonces and AADs gives the noble bytes', async (t) => {
  const key = new Uint8Array(32).fill(7)
  const ad = utf8Encode('ad')
  const empty = new Uint8Array(0)
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { maxLength: 30 }), async (steps) => {
      for (const step of steps) {
        if (step.kind === 'turn') {
          await nextTurn()
          continue
        }
        const nonce = aesGcmNonce(0, step.nonce)
        if (step.kind === 'hint') {
          nodeBackend.aes256gcmAhead!(key, nonce, step.operation)
          continue
        }
        const a = step.withAd ? ad : empty
        const sealed = nobleBackend.aes256gcmSeal(key, nonce, a, step.plaintext)
        if (step.kind === 'seal') {
          if (!constantTimeEqual(nodeBackend.aes256gcmSeal(key, nonce, a, step.plaintext), sealed)) return false
        } else if (step.kind === 'open') {
          const opened = nodeBackend.aes256gcmOpen(key, nonce, a, sealed)
          if (opened === null || !constantTimeEqual(opened, step.plaintext)) return false
        } else {
          sealed[sealed.length - 1]! ^= 1
          if (nodeBackend.aes256gcmOpen(key, nonce, a, sealed) !== null) return false
        }
      }
      return true
    }),
    { numRuns: 200 },
  )
  t.pass('200 random programs')
})

t.test('a context made ahead is used once, for its nonce only', async (t) => {
  const key = new Uint8Array(32).fill(9)
  const empty = new Uint8Array(0)
  const plaintext = utf8Encode('once')
  nodeBackend.aes256gcmAhead!(key, aesGcmNonce(0, 5), 'seal')
  await nextTurn()
  const before = aheadContextsUsed()
  const other = nodeBackend.aes256gcmSeal(key, aesGcmNonce(0, 6), empty, plaintext)
  t.same(other, nobleBackend.aes256gcmSeal(key, aesGcmNonce(0, 6), empty, plaintext))
  t.equal(aheadContextsUsed(), before, 'another nonce makes its own context')
  nodeBackend.aes256gcmSeal(key, aesGcmNonce(0, 5), empty, plaintext)
  t.equal(aheadContextsUsed(), before, 'the hint was dropped when the key was used for another nonce')
  nodeBackend.aes256gcmAhead!(key, aesGcmNonce(0, 7), 'open')
  await nextTurn()
  t.same(
    nodeBackend.aes256gcmSeal(key, aesGcmNonce(0, 7), empty, plaintext),
    nobleBackend.aes256gcmSeal(key, aesGcmNonce(0, 7), empty, plaintext),
  )
  t.equal(aheadContextsUsed(), before, 'a context made to open is not used to seal')
})

t.test('a Noise transport seals and opens its next message with contexts made ahead', async (t) => {
  const psk = new Uint8Array(32).fill(3)
  const prologue = utf8Encode('ahead')
  const backend = nodeBackend
  const initiator = new HandshakeState({ role: 'initiator', psk, prologue, backend })
  const responder = new HandshakeState({ role: 'responder', psk, prologue, backend })
  responder.readMessage(initiator.writeMessage(new Uint8Array(0)))
  initiator.readMessage(responder.writeMessage(new Uint8Array(0)))
  const client = new NoiseTransport(initiator.split())
  const device = new NoiseTransport(responder.split())
  const message = utf8Encode('{"jsonrpc":"2.0","id":1,"method":"pairwire.echo","params":{}}')
  await nextTurn()
  const first = aheadContextsUsed()
  t.same(device.open(client.seal(message)), message)
  t.equal(aheadContextsUsed(), first, 'nothing is made ahead before the first message')
  for (let i = 0; i < 3; i++) {
    await nextTurn()
    const before = aheadContextsUsed()
    const frame = client.seal(message)
    t.same(device.open(frame), message)
    t.equal(aheadContextsUsed() - before, 2, `message ${i}: the seal and the open`)
  }
  // Two messages in one turn: the second makes its own contexts, and both still open.
  const one = client.seal(message)
  const two = client.seal(message)
  t.same(device.open(one), message)
  t.same(device.open(two), message)
})
