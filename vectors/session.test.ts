/**
 * Replays every scripted session of vectors/session.json through a client and a device built on
 * the protocol core (spec §7), under both crypto backends. Each receiver follows the order of
 * checks of spec Table 7-1 (text, size, length, Noise, payload) and must produce exactly the
 * step's outcome: the delivered plaintext, or the close code and reason, or nothing after a close.
 * For packed plaintexts (spec §7.10) the receiver's split must give the step's `elements`, and
 * the scripts' responses must be the answers to what the device processed.
 */
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { availableBackends, type CryptoBackend } from '../protocol/crypto/index.ts'
import { hexDecode, hexEncode, utf8Decode, utf8Encode } from '../protocol/encoding.ts'
import { HandshakeState, NoiseTransport, sessionPrologue } from '../protocol/noise/index.ts'
import { isPacked, splitPacked } from '../protocol/json-seq.ts'
import { CLOSES, RPC_ERRORS, SIZES, type CloseEntry } from '../protocol/registry.ts'
import { validateMessage } from '../schemas/validate.ts'
import type { SessionVectorFile } from '../schemas/src/vectors.ts'

const file = JSON.parse(
  readFileSync(new URL('./session.json', import.meta.url), 'utf8'),
) as SessionVectorFile
type Group = SessionVectorFile['testGroups'][number]
type Script = Group['tests'][number]
type Step = Script['steps'][number]

const EXPECTED_TESTS = 41
// The one script that packs to a receiver that did not accept it, on purpose (spec §7.10).
const PACKED_NOT_ACCEPTED = 'PackedNotAccepted'
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

  /** True once the handshake is over: the next frame is a transport message. */
  get inTransport(): boolean {
    return this.#handshake === null
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

/** Its own handshake payload has json_seq true: the party accepts packed plaintexts (§7.10). */
function acceptsPacked(payload: string): boolean {
  try {
    return (JSON.parse(payload) as { json_seq?: unknown }).json_seq === true
  } catch {
    return false
  }
}

/**
 * Spec §7.10: the plaintexts a receiver processes from `plaintext`, in order: itself unless it is
 * packed and the receiver accepts that; then its non-empty elements, or none past the limit.
 */
function processed(plaintext: string, accepts: boolean): string[] {
  const bytes = utf8Encode(plaintext)
  if (!accepts || !isPacked(bytes)) return [plaintext]
  const elements = splitPacked(bytes).map((e) => utf8Decode(e))
  return elements.length > SIZES.jsonSeqMaxElements ? [] : elements
}

const rpcError = (error: { code: number; message: string }) => ({ jsonrpc: '2.0', id: null, error })

/**
 * What a device answers to one plaintext (spec §7.6), for what the scripts send: not JSON
 * -32700, an array -32600, a notification nothing, a pairwire.echo request its params.
 */
function answerTo(text: string): unknown[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return [rpcError(RPC_ERRORS.parseError)]
  }
  if (Array.isArray(value)) return [rpcError(RPC_ERRORS.invalidRequest)]
  const { id, params } = value as { id?: unknown; params?: unknown }
  return id === undefined ? [] : [{ jsonrpc: '2.0', id, result: params }]
}

/** The device's answers to a transport plaintext: one -32600 for too many elements (§7.10). */
function answersTo(plaintext: string, elements: string[]): unknown[] {
  const tooMany = elements.length === 0 && isPacked(utf8Encode(plaintext))
  return tooMany ? [rpcError(RPC_ERRORS.invalidRequest)] : elements.flatMap(answerTo)
}

/** The responses (objects with an id) among the plaintexts the client processes. */
const responsesIn = (elements: string[]): unknown[] =>
  elements.map((e) => JSON.parse(e) as object).filter((value) => 'id' in value)

/** Spec §7.10 for one test: payloads, elements of packed steps, and the device's answers. */
class PackedCheck {
  readonly #t: Test
  readonly #v: Script
  readonly #accepts: Record<Step['direction'], boolean>
  readonly #answers: unknown[] = []
  readonly #responses: unknown[] = []

  constructor(t: Test, v: Script) {
    this.#t = t
    this.#v = v
    this.#accepts = {
      'client-to-device': acceptsPacked(v.device_payload),
      'device-to-client': acceptsPacked(v.client_payload),
    }
    // pw-sess-7.10-answer-only-offers: the device answers json_seq only to an offer.
    if (this.#accepts['client-to-device']) t.ok(this.#accepts['device-to-client'], 'offered')
  }

  /** A transport step its receiver delivered. */
  step(step: Extract<Step, { outcome: 'deliver' }>, where: string): void {
    const t = this.#t
    const packed = isPacked(utf8Encode(step.plaintext))
    const accepts = this.#accepts[step.direction]
    const elements = processed(step.plaintext, accepts)
    t.same(step.elements, packed ? elements : undefined, `${where}: elements`)
    // pw-sess-7.10-only-when-accepted: honest senders pack only to a receiver that accepts.
    if (packed && !this.#v.flags.includes(PACKED_NOT_ACCEPTED)) t.ok(accepts, `${where}: accepted`)
    if (step.direction === 'device-to-client') this.#responses.push(...responsesIn(elements))
    else this.#answers.push(...answersTo(step.plaintext, elements))
  }

  /**
   * The script's responses are the answers to what the device processed, in order (§7.6 allows
   * any order; the scripts keep it), as far as the script goes.
   */
  finish(): void {
    const sent = this.#responses.length
    this.#t.same(this.#responses, this.#answers.slice(0, sent), `tcId ${this.#v.tcId}: answers`)
  }
}

function runScript(t: Test, g: Group, v: Script, backend: CryptoBackend): void {
  const { client, device, clientSide, deviceSide } = parties(g, v, backend)
  const packed = new PackedCheck(t, v)
  v.steps.forEach((step, i) => {
    const receiver = step.direction === 'client-to-device' ? deviceSide : clientSide
    const transport = receiver.inTransport
    const where = `tcId ${v.tcId} step ${i + 1}: ${step.comment}`
    t.same(receiver.receive(step.kind, hexDecode(step.frame)), expected(t, step), where)
    if (transport && step.outcome === 'deliver') packed.step(step, where)
  })
  packed.finish()
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
