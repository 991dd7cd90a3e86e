import { connect as tcpConnect, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import { CLOSES, METHODS, PATHS, SIZES } from '../../protocol/registry.ts'
import {
  closeOf,
  connect,
  encodeJson,
  openSession,
  startFixture,
  type Fixture,
} from './test-fixture.ts'

async function fixture(t: Test, options?: Parameters<typeof startFixture>[0]): Promise<Fixture> {
  const f = await startFixture(options)
  t.teardown(() => f.close())
  return f
}

const tooLarge = closeOf(CLOSES.frameTooLarge)

t.test('a frame over max_frame → 4413 frame-too-large, not ws\'s 1009 (§7.5)', async (t) => {
  const f = await fixture(t, { limits: { max_frame: 4096 } })
  const waiting = await connect(f)
  waiting.ws.send(new Uint8Array(4097))
  t.same(await waiting.closed, tooLarge, 'instead of message 1')
  const s = await openSession(f)
  s.ws.send(new Uint8Array(4097))
  t.same(await s.observer.closed, tooLarge, 'as a transport frame')
  const text = await connect(f)
  text.ws.send('x'.repeat(5000))
  t.same(await text.closed, tooLarge, 'size is checked before the type')
  const fragmented = await openSession(f)
  fragmented.ws.send(new Uint8Array(3000), { fin: false })
  fragmented.ws.send(new Uint8Array(1097), { fin: true })
  t.same(await fragmented.observer.closed, tooLarge, 'fragments add up')
})

t.test('a frame of exactly max_frame is accepted', async (t) => {
  const f = await fixture(t, { limits: { max_frame: 4096 } })
  const s = await openSession(f)
  const shell = { jsonrpc: '2.0', id: 1, method: METHODS.echo, params: [''] }
  const pad = 'p'.repeat(4096 - SIZES.aeadTag - encodeJson(shell).length)
  const message = { ...shell, params: [pad] }
  t.equal(encodeJson(message).length + SIZES.aeadTag, 4096, 'the frame is max_frame bytes')
  s.send(message)
  t.same(await s.receive(0), { jsonrpc: '2.0', id: 1, result: [pad] })
})

/** Upgrades a raw TCP socket with a fresh ticket and returns it after the 101 head. */
async function rawWebSocket(f: Fixture): Promise<Socket> {
  const socket = tcpConnect(Number(new URL(f.origin.replace(/^ws/, 'http')).port), '127.0.0.1')
  socket.write(
    `GET ${PATHS.websocket}?ticket=${await f.ticket()} HTTP/1.1\r\nHost: device\r\n` +
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  )
  // ws writes the whole 101 head at once; nothing else arrives before the client's first frame.
  const head = await new Promise<string>((resolve) => {
    socket.once('data', (chunk) => resolve(String(chunk)))
  })
  if (!head.startsWith('HTTP/1.1 101') || !head.endsWith('\r\n\r\n')) throw new Error(head)
  return socket
}

t.test('the close comes at the frame header, before any payload is buffered', async (t) => {
  const f = await fixture(t)
  const socket = await rawWebSocket(f)
  t.teardown(() => socket.destroy())
  // FIN + binary, masked, 64-bit length 2^40, mask key; not one payload byte follows.
  const header = Buffer.from([0x82, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4])
  const answer = new Promise<Buffer>((resolve) => socket.once('data', resolve))
  socket.write(header)
  const frame = await answer
  t.equal(frame[0], 0x88, 'a Close frame')
  t.equal(frame[1], 2 + CLOSES.frameTooLarge.reason.length)
  t.equal(frame.readUInt16BE(2), CLOSES.frameTooLarge.code)
  t.equal(frame.subarray(4).toString('utf8'), CLOSES.frameTooLarge.reason)
})

t.test('keepalive: no pong and no frame by the next ping → 4410 (§7.7)', async (t) => {
  const f = await fixture(t, { limits: { ping_interval: 1 } })
  const silent = await openSession(f, undefined, { autoPong: false })
  const ponging = await openSession(f)
  const talking = await openSession(f, undefined, { autoPong: false })
  let pings = 0
  silent.ws.on('ping', () => pings++)
  const chatter = setInterval(() => talking.send({ jsonrpc: '2.0', method: 'keep.talking' }), 300)
  t.teardown(() => clearInterval(chatter))
  const started = Date.now()
  t.same(await silent.observer.closed, closeOf(CLOSES.idleTimeout))
  const elapsed = Date.now() - started
  t.ok(elapsed > 1500 && elapsed < 4000, `closed after ${elapsed} ms (two intervals)`)
  t.equal(pings, 1, 'one unanswered ping')
  t.equal(ponging.ws.readyState, ponging.ws.OPEN, 'a client answering pings stays')
  t.equal(talking.ws.readyState, talking.ws.OPEN, 'a client sending frames stays')
})

t.test('no ping before message 2; the handshake timer covers that phase', async (t) => {
  const f = await fixture(t, { limits: { ping_interval: 1, handshake_timeout: 1 } })
  const waiting = await connect(f)
  let pings = 0
  waiting.ws.on('ping', () => pings++)
  t.same(await waiting.closed, closeOf(CLOSES.handshakeTimeout))
  t.equal(pings, 0)
})
