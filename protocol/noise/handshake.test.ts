// Checks spec requirements: pw-sess-7.3-reject-zero-dh, pw-sess-7.4-handshake-failed, pw-sec-13.3-fresh-ephemeral
/**
 * HandshakeState for NNpsk0 (Noise rev 34 §5.3, §9): role orientation of Split, the handshake
 * hash, a fresh ephemeral key per state erased once the handshake ends (spec §13.3), and every
 * typed failure: wrong psk or prologue, low-order ephemeral keys, size limits, calls out of
 * order, and a dead state after a failed message.
 */
import t from 'tap'
import { availableBackends, defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { utf8Encode } from '../encoding.ts'
import { LABELS, SIZES } from '../registry.ts'
import { HandshakeState, type HandshakeOptions } from './handshake.ts'
import { SymmetricState } from './symmetric-state.ts'

const psk = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i)
const prologue = utf8Encode('prologue')
const MAX_PAYLOAD = SIZES.noiseMaxMessage - SIZES.x25519Key - SIZES.aeadTag

function pair(
  backend: CryptoBackend,
  responderOverrides: Partial<HandshakeOptions> = {},
): { initiator: HandshakeState; responder: HandshakeState } {
  return {
    initiator: new HandshakeState({ role: 'initiator', psk, prologue, backend }),
    responder: new HandshakeState({
      role: 'responder',
      psk,
      prologue,
      backend,
      ...responderOverrides,
    }),
  }
}

/** Message 1 as someone holding psk would build it with a chosen (here low-order) e. */
function craftedFirstMessage(backend: CryptoBackend, e: Uint8Array): Uint8Array {
  const state = new SymmetricState(LABELS.noiseProtocolName, backend)
  state.mixHash(prologue)
  state.mixKeyAndHash(psk)
  state.mixHash(e)
  state.mixKey(e)
  const sealed = state.encryptAndHash(new Uint8Array(0))
  const message = new Uint8Array(e.length + sealed.length)
  message.set(e)
  message.set(sealed, e.length)
  return message
}

for (const backend of await availableBackends()) {
  t.test(`${backend.name}: a full handshake agrees on h and orients the ciphers`, (t) => {
    const { initiator, responder } = pair(backend)
    t.equal(initiator.complete, false)
    const m1 = initiator.writeMessage(utf8Encode('hello'))
    t.equal(m1.length, 32 + 5 + 16, 'e || payload || tag')
    t.same(responder.readMessage(m1), utf8Encode('hello'))
    const m2 = responder.writeMessage(new Uint8Array(0))
    t.equal(m2.length, 32 + 16)
    t.same(initiator.readMessage(m2), new Uint8Array(0))
    t.ok(initiator.complete && responder.complete)
    t.same(initiator.handshakeHash, responder.handshakeHash)
    initiator.handshakeHash.fill(0)
    t.same(initiator.handshakeHash, responder.handshakeHash, 'handshakeHash returns a copy')
    const i = initiator.split()
    const r = responder.split()
    const empty = new Uint8Array(0)
    t.same(r.receive.decryptWithAd(empty, i.send.encryptWithAd(empty, prologue)), prologue)
    t.same(i.receive.decryptWithAd(empty, r.send.encryptWithAd(empty, prologue)), prologue)
    t.end()
  })

  t.test(`${backend.name}: a wrong psk fails on the responder, with no payload`, (t) => {
    const { initiator, responder } = pair(backend, { psk: new Uint8Array(32).fill(7) })
    const m1 = initiator.writeMessage(utf8Encode('secret'))
    t.throws(() => responder.readMessage(m1), { code: 'handshake-failed' })
    t.throws(() => responder.writeMessage(new Uint8Array(0)), { code: 'invalid-state' }, 'dead')
    t.end()
  })

  t.test(`${backend.name}: a wrong prologue fails on the responder`, (t) => {
    const { initiator, responder } = pair(backend, { prologue: utf8Encode('prologuf') })
    t.throws(() => responder.readMessage(initiator.writeMessage(new Uint8Array(0))), {
      code: 'handshake-failed',
    })
    t.end()
  })

  t.test(`${backend.name}: a low-order responder e fails the initiator`, (t) => {
    const { initiator } = pair(backend)
    initiator.writeMessage(new Uint8Array(0))
    const m2 = new Uint8Array(SIZES.x25519Key + SIZES.aeadTag)
    t.throws(() => initiator.readMessage(m2), { code: 'handshake-failed' })
    t.throws(() => initiator.split(), { code: 'invalid-state' })
    t.end()
  })

  t.test(`${backend.name}: a low-order initiator e fails the responder's ee`, (t) => {
    const { responder } = pair(backend)
    const m1 = craftedFirstMessage(backend, new Uint8Array(SIZES.x25519Key))
    t.same(responder.readMessage(m1), new Uint8Array(0), 'message 1 carries no DH')
    t.throws(() => responder.writeMessage(new Uint8Array(0)), { code: 'handshake-failed' })
    t.end()
  })

  t.test(`${backend.name}: an all-zero X25519 output is refused if the backend returns it`, (t) => {
    const lenient: CryptoBackend = { ...backend, x25519: () => new Uint8Array(SIZES.x25519Key) }
    const initiator = new HandshakeState({ role: 'initiator', psk, prologue, backend: lenient })
    const responder = new HandshakeState({ role: 'responder', psk, prologue, backend: lenient })
    responder.readMessage(initiator.writeMessage(new Uint8Array(0)))
    t.throws(() => responder.writeMessage(new Uint8Array(0)), { code: 'handshake-failed' })
    t.end()
  })

  t.test(`${backend.name}: a truncated message 2 fails the initiator`, (t) => {
    const { initiator, responder } = pair(backend)
    responder.readMessage(initiator.writeMessage(new Uint8Array(0)))
    const m2 = responder.writeMessage(utf8Encode('reply'))
    t.throws(() => initiator.readMessage(m2.subarray(0, m2.length - 1)), {
      code: 'handshake-failed',
    })
    t.end()
  })
}

t.test('size limits: 65535-byte messages pass, one more byte is frame-too-large', (t) => {
  const { initiator, responder } = pair(defaultBackend)
  t.throws(() => initiator.writeMessage(new Uint8Array(MAX_PAYLOAD + 1)), {
    code: 'frame-too-large',
  })
  const m1 = initiator.writeMessage(new Uint8Array(MAX_PAYLOAD))
  t.equal(m1.length, SIZES.noiseMaxMessage, 'an oversize payload left the state usable')
  t.throws(() => responder.readMessage(new Uint8Array(SIZES.noiseMaxMessage + 1)), {
    code: 'frame-too-large',
  })
  t.throws(() => responder.readMessage(new Uint8Array(SIZES.x25519Key + SIZES.aeadTag - 1)), {
    code: 'frame-too-short',
  })
  t.equal(responder.readMessage(m1).length, MAX_PAYLOAD, 'size checks left the state usable')
  t.throws(() => responder.writeMessage(new Uint8Array(MAX_PAYLOAD + 1)), {
    code: 'frame-too-large',
  })
  t.throws(() => initiator.readMessage(new Uint8Array(SIZES.x25519Key)), {
    code: 'frame-too-short',
  })
  t.end()
})

t.test('a message of exactly e and tag that does not authenticate is handshake-failed', (t) => {
  const { responder } = pair(defaultBackend)
  const garbage = new Uint8Array(SIZES.x25519Key + SIZES.aeadTag).fill(9)
  t.throws(() => responder.readMessage(garbage), { code: 'handshake-failed' })
  t.end()
})

t.test('calls out of turn or after the end are invalid-state', (t) => {
  const { initiator, responder } = pair(defaultBackend)
  t.throws(() => initiator.readMessage(new Uint8Array(48)), { code: 'invalid-state' })
  t.throws(() => responder.writeMessage(new Uint8Array(0)), { code: 'invalid-state' })
  t.throws(() => initiator.split(), { code: 'invalid-state' })
  t.throws(() => initiator.handshakeHash, { code: 'invalid-state' })
  const m1 = initiator.writeMessage(new Uint8Array(0))
  t.throws(() => initiator.writeMessage(new Uint8Array(0)), { code: 'invalid-state' })
  responder.readMessage(m1)
  t.throws(() => responder.readMessage(m1), { code: 'invalid-state' })
  initiator.readMessage(responder.writeMessage(new Uint8Array(0)))
  for (const side of [initiator, responder]) {
    t.throws(() => side.writeMessage(new Uint8Array(0)), { code: 'invalid-state' })
    t.throws(() => side.readMessage(m1), { code: 'invalid-state' })
    side.split()
    t.throws(() => side.split(), { code: 'invalid-state' }, 'split is handed out once')
  }
  t.end()
})

t.test('psk and injected ephemeral keys must be 32 bytes', (t) => {
  t.throws(() => new HandshakeState({ role: 'initiator', psk: new Uint8Array(31), prologue }), {
    code: 'invalid-length',
  })
  t.throws(
    () =>
      new HandshakeState({
        role: 'responder',
        psk,
        prologue,
        ephemeralPrivateKey: new Uint8Array(33),
      }),
    { code: 'invalid-length' },
  )
  t.end()
})

t.test('without an injected key each handshake has a fresh ephemeral', (t) => {
  const a = new HandshakeState({ role: 'initiator', psk, prologue }).writeMessage(prologue)
  const b = new HandshakeState({ role: 'initiator', psk, prologue }).writeMessage(prologue)
  t.notSame(a.subarray(0, 32), b.subarray(0, 32))
  t.end()
})


/**
 * The backend, keeping every ephemeral private key a HandshakeState makes: the state computes
 * e.public_key from the very array it keeps as e.private_key, so the kept arrays are the state's.
 */
function keepingEphemerals(backend: CryptoBackend): { backend: CryptoBackend; drawn: Uint8Array[] } {
  const drawn: Uint8Array[] = []
  const keeping: CryptoBackend = {
    ...backend,
    x25519PublicKey(privateKey) {
      drawn.push(privateKey)
      return backend.x25519PublicKey(privateKey)
    },
  }
  return { backend: keeping, drawn }
}

for (const backend of await availableBackends()) {
  t.test(`${backend.name}: each state draws a fresh e and erases it when the handshake ends`, (t) => {
    const keeping = keepingEphemerals(backend)
    const sessions = Array.from({ length: 3 }, () => pair(keeping.backend))
    const [initiatorE, responderE, ...others] = keeping.drawn
    t.equal(keeping.drawn.length, 6, 'one e per state')
    const distinct = new Set(keeping.drawn.map((e) => Buffer.from(e).toString('hex')))
    t.equal(distinct.size, 6, 'no two states share e')
    const { initiator, responder } = sessions[0]!
    const m1 = initiator.writeMessage(new Uint8Array(0))
    t.notOk(initiatorE!.every((b) => b === 0), 'e is kept while the handshake runs')
    responder.readMessage(m1)
    initiator.readMessage(responder.writeMessage(new Uint8Array(0)))
    t.ok(initiatorE!.every((b) => b === 0), 'the initiator erased e after message 2')
    t.ok(responderE!.every((b) => b === 0), 'the responder erased e after message 2')
    t.notOk(others.some((e) => e.every((b) => b === 0)), 'states whose handshake did not end keep e')
    t.end()
  })
}
