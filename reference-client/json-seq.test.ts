// Spec §7.10 against the reference device: the client offers json_seq, packs what one run sends
// once the device answered the offer, and takes the device's packed answers element by element.
import { Writable } from 'node:stream'
import t from 'tap'
import { METHODS } from '../protocol/registry.ts'
import { createDevice } from '../reference-server/device.ts'
import { connect, type ConnectOptions } from './connect.ts'
import { pair } from './pair.ts'
import { nodeSocketFactory } from './node-websocket.ts'
import type { SocketFactory } from './platform.ts'

async function paired(t: { teardown(fn: () => unknown): void }, noJsonSeq = false) {
  const logStream = new Writable({ write: (_chunk, _encoding, done) => done() })
  const device = await createDevice({
    host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, testHooks: true, logStream, noJsonSeq,
  })
  t.teardown(() => device.close())
  const { pin } = await device.openPairingWindow()
  return pair({ url: device.url, pin, name: 'json-seq' })
}

/** A socket factory that counts the frames the client sends and receives. */
function counting(): { factory: SocketFactory; sent: () => number; received: () => number } {
  let sent = 0
  let received = 0
  const factory: SocketFactory = (url, refuse) => {
    const socket = nodeSocketFactory(url, refuse)
    const send = socket.send.bind(socket)
    socket.send = (data) => (sent++, send(data))
    socket.addEventListener('message', () => received++)
    return socket
  }
  return { factory, sent: () => sent, received: () => received }
}

const calls = (session: Awaited<ReturnType<typeof connect>>, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => session.call(METHODS.echo, { i })))

async function burst(t: { teardown(fn: () => unknown): void }, options: Partial<ConnectOptions>, noJsonSeq = false) {
  const credentials = await paired(t, noJsonSeq)
  const wire = counting()
  const session = await connect(credentials, { ...options, socketFactory: wire.factory })
  const results = await calls(session, 200)
  await session.close()
  return { session, results, sent: wire.sent() - 1, received: wire.received() - 1 }
}

const expected = Array.from({ length: 200 }, (_, i) => ({ i }))

t.test('offered and answered: 200 calls of one run leave in packed frames of at most 64', async (t) => {
  const { session, results, sent, received } = await burst(t, {})
  t.equal(session.device.json_seq, true, 'the device answered the offer')
  t.same(results, expected, 'every call answered with its own result')
  t.equal(sent, 4, 'ceil(200 / 64) frames after message 1')
  t.ok(received < 200, `the answers came packed (${received} frames)`)
})

t.test('jsonSeq: false offers nothing, and nothing is packed either way', async (t) => {
  const { session, results, sent, received } = await burst(t, { jsonSeq: false })
  t.notOk('json_seq' in session.device)
  t.same(results, expected)
  t.equal(sent, 200)
  t.equal(received, 200)
})

t.test('a device that declines the offer gets one frame per request', async (t) => {
  const { session, results, sent } = await burst(t, {}, true)
  t.notOk('json_seq' in session.device)
  t.same(results, expected)
  t.equal(sent, 200)
})
