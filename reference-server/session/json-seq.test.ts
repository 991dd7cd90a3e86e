// Checks spec requirements: pw-sess-7.10-only-when-accepted, pw-sess-7.10-answer-only-offers,
// pw-sess-7.10-device-elements, pw-sess-7.10-too-many-elements
import type { Socket } from 'node:net'
import t, { type Test } from 'tap'
import { utf8Decode, utf8Encode } from '../../protocol/encoding.ts'
import { isPacked, packTexts, splitPacked } from '../../protocol/json-seq.ts'
import { METHODS, RPC_ERRORS, SIZES } from '../../protocol/registry.ts'
import { encodeJson, openSession, startFixture, type ClientSession, type Fixture } from './test-fixture.ts'

async function fixture(t: Test, options?: Parameters<typeof startFixture>[0]): Promise<Fixture> {
  const f = await startFixture(options)
  t.teardown(() => f.close())
  return f
}

const OFFER = { v: 1, max_frame: SIZES.noiseMaxMessage, json_seq: true }
const NO_OFFER = { v: 1, max_frame: SIZES.noiseMaxMessage }
const echo = (id: number | string, params: unknown = [id]) => ({ jsonrpc: '2.0', id, method: METHODS.echo, params })
const errorOf = (id: unknown, entry: { code: number; message: string }) => ({
  jsonrpc: '2.0', id, error: { code: entry.code, message: entry.message },
})

/**
 * Reads the device's frames in order: each call returns the JSON-RPC objects of the next frames
 * until `count` have come, and the element counts of the packed ones among them.
 */
function reader(session: ClientSession) {
  let frame = 1
  return async (count: number) => {
    const objects: unknown[] = []
    const packedFrames: number[] = []
    while (objects.length < count) {
      const received = await session.observer.frame(frame++)
      if (received === undefined) throw new Error(`closed after ${objects.length} answers`)
      const plaintext = session.transport.open(received.data)
      const texts = isPacked(plaintext) ? splitPacked(plaintext) : [plaintext]
      if (isPacked(plaintext)) packedFrames.push(texts.length)
      for (const text of texts) objects.push(JSON.parse(utf8Decode(text)))
    }
    return { objects, packedFrames }
  }
}

/** Sends the frames of `messages` in one write, so the device reads them in one turn. */
function burst(session: ClientSession, messages: unknown[]): void {
  const socket = (session.ws as unknown as { _socket: Socket })._socket
  socket.cork()
  for (const message of messages) session.send(message)
  socket.uncork()
}

const byId = (objects: unknown[]) =>
  [...objects].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

t.test('an offer is answered; each element of a packed plaintext is processed as its own frame', async (t) => {
  const f = await fixture(t)
  const session = await openSession(f, OFFER)
  t.equal(session.devicePayload['json_seq'], true, 'message 2 answers the offer')
  const elements = [
    encodeJson(echo(1)),
    utf8Encode('{"jsonrpc":'),
    encodeJson([echo(2)]),
    encodeJson({ jsonrpc: '2.0', method: 'no.such.notification' }),
    encodeJson({ jsonrpc: '2.0', id: 3, method: 'no.such.method' }),
    Uint8Array.of(0xff, 0xfe),
    encodeJson(echo('four', { n: 4 })),
  ]
  session.send(packTexts(elements))
  const { objects } = await reader(session)(6)
  const expected = [
    { jsonrpc: '2.0', id: 1, result: [1] },
    errorOf(null, RPC_ERRORS.parseError),
    errorOf(null, RPC_ERRORS.invalidRequest),
    errorOf(3, RPC_ERRORS.methodNotFound),
    errorOf(null, RPC_ERRORS.parseError),
    { jsonrpc: '2.0', id: 'four', result: { n: 4 } },
  ]
  t.same(byId(objects), byId(expected))
})

t.test('the answers to the frames of one read are packed, in order, within 64 elements', async (t) => {
  const f = await fixture(t)
  const session = await openSession(f, OFFER)
  const requests = Array.from({ length: 100 }, (_, i) => echo(i))
  burst(session, requests)
  const { objects, packedFrames } = await reader(session)(100)
  t.same(objects, requests.map((r) => ({ jsonrpc: '2.0', id: r.id, result: r.params })), 'all answered, in order')
  t.ok(packedFrames.length > 0, 'some answers were packed')
  t.ok(packedFrames.every((n) => n >= 2 && n <= SIZES.jsonSeqMaxElements), `packed sizes ${packedFrames}`)
})

t.test('more than 64 elements: one -32600 with id null, none processed', async (t) => {
  const f = await fixture(t)
  const session = await openSession(f, OFFER)
  session.send(packTexts(Array.from({ length: 65 }, (_, i) => encodeJson(echo(i)))))
  session.send(echo('after'))
  const { objects } = await reader(session)(2)
  t.same(objects, [errorOf(null, RPC_ERRORS.invalidRequest), { jsonrpc: '2.0', id: 'after', result: ['after'] }])
})

t.test('without an offer: no json_seq in message 2, no packed answers, a packed plaintext is -32700', async (t) => {
  const f = await fixture(t)
  const session = await openSession(f, NO_OFFER)
  t.notOk('json_seq' in session.devicePayload)
  const answers = reader(session)
  burst(session, Array.from({ length: 50 }, (_, i) => echo(i)))
  t.same((await answers(50)).packedFrames, [], 'every answer in a frame of its own')
  session.send(packTexts([encodeJson(echo('a')), encodeJson(echo('b'))]))
  t.same((await answers(1)).objects, [errorOf(null, RPC_ERRORS.parseError)])
})

t.test('a device that declines (--no-json-seq) answers no offer and takes packing as -32700', async (t) => {
  const f = await fixture(t, { jsonSeq: false })
  const session = await openSession(f, OFFER)
  t.notOk('json_seq' in session.devicePayload, 'the offer is declined')
  const answers = reader(session)
  burst(session, Array.from({ length: 20 }, (_, i) => echo(i)))
  t.same((await answers(20)).packedFrames, [], 'it packs nothing either')
  session.send(packTexts([encodeJson(echo('a')), encodeJson(echo('b'))]))
  t.same((await answers(1)).objects, [errorOf(null, RPC_ERRORS.parseError)])
})
