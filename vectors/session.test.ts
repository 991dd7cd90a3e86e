/**
 * Replays every scripted session of vectors/session.json through a client and a device built on
 * the protocol core (spec §7), under both crypto backends. Each receiver follows the order of
 * checks of spec Table 7-1 (text, size, length, Noise, payload) and must produce exactly the
 * step's outcome: the delivered plaintext, or the close code and reason, or nothing after a close.
 */
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { availableBackends, type CryptoBackend } from '../protocol/crypto/index.ts'
import { hexDecode, hexEncode, utf8Decode, utf8Encode } from '../protocol/encoding.ts'
import { HandshakeState, NoiseTransport, sessionPrologue } from '../protocol/noise/index.ts'
import { CLOSES, SIZES, type CloseEntry } from '../protocol/registry.ts'
import { validateMessage } from '../schemas/validate.ts'
import type { SessionVectorFile } from '../schemas/src/vectors.ts'

const file = JSON.parse(
  readFileSync(new URL('./session.json', import.meta.url), 'utf8'),
) as SessionVectorFile
type Group = SessionVectorFile['testGroups'][number]
type Script = Group['tests'][number]
type Step = Script['steps'][number]

const EXPECTED_TESTS = 35
// Spec §7.5: message 1 and 2 are at least e and a tag; a transport message at least a tag.
const MIN_HANDSHAKE = SIZES.x25519Key + SIZES.aeadTag
const MIN_TRANSPORT = SIZES.aeadTag

type Outcome =
  | { outcome: 'deliver'; plaintext: string }
  | { outcome: 'close'; close: CloseEntry }
  | { outcome: 'discard' }

class Closed extends Error {
  readonly entry: CloseEntry
  constructor(entry: CloseEntry) {
    super(entry.reason)
    this.entry = entry
  }
}

/** Runs `step`, turning any failure into a close with `entry`. */
function orClose<T>(entry: CloseEntry, step: () => T): T {
  try {
    return step()
  } catch {
    throw new Closed(entry)
  }
}

/** One side of a session: the handshake until it completes, then the transport. */
class Receiver {
  #handshake: HandshakeState | null
  #transport: NoiseTransport | null = null
  #closed = false
  readonly #maxFrame: number
  readonly #onHandshake: (payload: string) => void

  constructor(handshake: HandshakeState, maxFrame: number, onHandshake: (payload: string) => void) {
    this.#handshake = handshake
    this.#maxFrame = maxFrame
    this.#onHandshake = onHandshake
  }

  receive(kind: 'binary' | 'text', frame: Uint8Array): Outcome {
    if (this.#closed) return { outcome: 'discard' }
    try {
      return { outcome: 'deliver', plaintext: this.#process(kind, frame) }
    } catch (e) {
      if (!(e instanceof Closed)) throw e
      this.#closed = true
      return { outcome: 'close', close: e.entry }
    }
  }

  #process(kind: 'binary' | 'text', frame: Uint8Array): string {
    // Spec §7.5 pw-sess-7.5-check-order: the length first, then the frame type.
    if (frame.length > this.#maxFrame) throw new Closed(CLOSES.frameTooLarge)
    if (kind === 'text') throw new Closed(CLOSES.malformedFrame)
    const handshake = this.#handshake
    if (handshake === null) {
      if (frame.length < MIN_TRANSPORT) throw new Closed(CLOSES.malformedFrame)
      return orClose(CLOSES.frameAuthFailed, () => utf8Decode(this.#transport!.open(frame)))
    }
    if (frame.length < MIN_HANDSHAKE) throw new Closed(CLOSES.malformedFrame)
    const payload = orClose(CLOSES.handshakeFailed, () => utf8Decode(handshake.readMessage(frame)))
    this.#onHandshake(payload)
    if (handshake.complete) {
      this.#handshake = null
      this.#transport = new NoiseTransport(handshake.split())
    }
    return payload
  }
}

function checkPayload(name: 'handshake-client-payload' | 'handshake-device-payload', text: string) {
  const value = orClose(CLOSES.handshakeFailed, () => JSON.parse(text) as unknown)
  const result = validateMessage(name, value)
  if (result.ok) return
  const version = name === 'handshake-client-payload' && result.reason === 'unsupported-version'
  throw new Closed(version ? CLOSES.unsupportedVersion : CLOSES.handshakeFailed)
}

function parties(g: Group, v: Script, backend: CryptoBackend) {
  const state = (role: 'initiator' | 'responder', psk: string, prologue: string, e: string) =>
    new HandshakeState({ role, psk: hexDecode(psk), prologue: hexDecode(prologue),
      ephemeralPrivateKey: hexDecode(e), backend })
  const client = state('initiator', v.client_psk ?? g.psk, v.client_prologue ?? g.prologue,
    v.client_ephemeral)
  const device = state('responder', g.psk, g.prologue, v.device_ephemeral)
  client.writeMessage(utf8Encode(v.client_payload))
  const deviceSide = new Receiver(device, v.device_max_frame, (payload) => {
    checkPayload('handshake-client-payload', payload)
    // The device answers message 1 with message 2; an all-zero DH(e, re) fails here (spec §7.3).
    orClose(CLOSES.handshakeFailed, () => device.writeMessage(utf8Encode(v.device_payload)))
  })
  const clientSide = new Receiver(client, v.client_max_frame, (payload) =>
    checkPayload('handshake-device-payload', payload))
  return { client, device, clientSide, deviceSide }
}

const closeByCode = (code: number): CloseEntry | undefined =>
  Object.values(CLOSES).find((c) => c.code === code)

function expected(t: Test, step: Step): Outcome {
  switch (step.outcome) {
    case 'deliver': return { outcome: 'deliver', plaintext: step.plaintext }
    case 'close': {
      const entry = closeByCode(step.close_code)
      t.equal(step.close_reason, entry?.reason, 'the reason is the registry name (spec §7.9)')
      return { outcome: 'close', close: entry! }
    }
    case 'discard': return { outcome: 'discard' }
    default: throw new Error(`unknown outcome ${(step as { outcome: string }).outcome}`)
  }
}

function runScript(t: Test, g: Group, v: Script, backend: CryptoBackend): void {
  const { client, device, clientSide, deviceSide } = parties(g, v, backend)
  v.steps.forEach((step, i) => {
    const receiver = step.direction === 'client-to-device' ? deviceSide : clientSide
    t.same(receiver.receive(step.kind, hexDecode(step.frame)), expected(t, step),
      `tcId ${v.tcId} step ${i + 1}: ${step.comment}`)
  })
  const complete = client.complete && device.complete
  switch (v.result) {
    case 'valid':
      t.ok(v.steps.every((s) => s.outcome === 'deliver'), `tcId ${v.tcId} delivers everything`)
      t.equal(hexEncode(device.handshakeHash), v.handshake_hash)
      t.equal(hexEncode(client.handshakeHash), v.handshake_hash)
      break
    case 'invalid':
      t.ok(v.steps.some((s) => s.outcome === 'close'), `tcId ${v.tcId} ends in a close`)
      t.equal(complete, v.handshake_hash !== undefined, `tcId ${v.tcId} handshake completed`)
      if (complete) t.equal(hexEncode(device.handshakeHash), v.handshake_hash)
      break
    default: t.fail(`tcId ${(v as { tcId: number }).tcId}: unknown result`)
  }
}

t.test('each group names its parties: prologue from the ids (spec §7.3)', async (t) => {
  for (const g of file.testGroups) {
    t.equal(hexEncode(sessionPrologue(g.client_id, g.device_id)), g.prologue)
  }
})

for (const backend of await availableBackends()) {
  t.test(`session.json under the ${backend.name} backend`, async (t) => {
    let count = 0
    for (const g of file.testGroups) {
      for (const v of g.tests) {
        runScript(t, g, v, backend)
        count++
      }
    }
    t.equal(count, EXPECTED_TESTS, 'scripts run')
    t.equal(count, file.numberOfTests)
  })
}
