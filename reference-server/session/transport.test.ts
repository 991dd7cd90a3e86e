import t, { type Test } from 'tap'
import { utf8Encode } from '../../protocol/encoding.ts'
import { CLOSES, METHODS, RPC_ERRORS, SIZES } from '../../protocol/registry.ts'
import {
  closeOf,
  connect,
  encodeJson,
  NOTIFY_METHOD,
  openSession,
  RECORD_METHOD,
  startFixture,
  type ClientSession,
  type Fixture,
  until,
} from './test-fixture.ts'

async function fixture(t: Test, options?: Parameters<typeof startFixture>[0]): Promise<Fixture> {
  const f = await startFixture(options)
  t.teardown(() => f.close())
  return f
}

const request = (id: number | string, method: string, params?: unknown) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params === undefined ? {} : { params }),
})

const rpcError = (id: unknown, entry: { code: number; message: string }) => ({
  jsonrpc: '2.0',
  id,
  error: { code: entry.code, message: entry.message },
})

t.test('requests are answered in sealed frames (§7.6)', async (t) => {
  const f = await fixture(t)
  const s = await openSession(f)
  s.send(request(1, METHODS.echo, { hello: 'device' }))
  s.send(request('two', METHODS.echo, [1, [2], { three: null }]))
  s.send(request(3, METHODS.deviceInfo))
  t.same(await s.receive(0), { jsonrpc: '2.0', id: 1, result: { hello: 'device' } })
  t.same(await s.receive(1), { jsonrpc: '2.0', id: 'two', result: [1, [2], { three: null }] })
  t.same(await s.receive(2), {
    jsonrpc: '2.0',
    id: 3,
    result: {
      device_id: f.ctx.identity.deviceId,
      name: f.ctx.identity.name,
      client_id: f.clientId,
    },
  })
  t.ok(s.observer.frames.every((frame) => frame.isBinary), 'every frame binary')
})

t.test('JSON-RPC errors over the session: -32700, -32600, -32601, -32602', async (t) => {
  const f = await fixture(t)
  const s = await openSession(f)
  s.send(utf8Encode('{"jsonrpc":"2.0","id":1,'))
  s.send(new Uint8Array([0xc3, 0x28]))
  s.send([request(2, METHODS.echo, {})])
  s.send({ jsonrpc: '2.0', id: 3, method: METHODS.echo, params: 'x' })
  s.send(request(4, 'no.such.method'))
  s.send(request(5, METHODS.echo))
  t.same(await s.receive(0), rpcError(null, RPC_ERRORS.parseError))
  t.same(await s.receive(1), rpcError(null, RPC_ERRORS.parseError), 'not UTF-8')
  t.same(await s.receive(2), rpcError(null, RPC_ERRORS.invalidRequest), 'batch')
  t.same(await s.receive(3), rpcError(null, RPC_ERRORS.invalidRequest))
  t.same(await s.receive(4), rpcError(4, RPC_ERRORS.methodNotFound))
  t.same(await s.receive(5), rpcError(5, RPC_ERRORS.invalidParams))
})

t.test('notifications from the client get no response, even unknown ones', async (t) => {
  const f = await fixture(t)
  const s = await openSession(f)
  s.send({ jsonrpc: '2.0', method: RECORD_METHOD, params: ['note'] })
  s.send({ jsonrpc: '2.0', method: 'no.such.method' })
  s.send(request(9, METHODS.echo, []))
  t.same(await s.receive(0), { jsonrpc: '2.0', id: 9, result: [] }, 'the first answer is for id 9')
  t.same(f.delivered, [['note']])
})

t.test('the device notifies every open session of a client, sealed (§7.6)', async (t) => {
  const f = await fixture(t)
  const a = await openSession(f)
  const b = await openSession(f)
  t.equal(f.ctx.sessions.notifyClient(f.clientId, 'device.event', { n: 1 }), 2)
  t.equal(f.ctx.sessions.notifyClient('pwc_BBBBBBBBBBBBBBBBBBBBBA', 'device.event', {}), 0)
  const note = { jsonrpc: '2.0', method: 'device.event', params: { n: 1 } }
  t.same(await a.receive(0), note)
  t.same(await b.receive(0), note)
  a.send(request(1, NOTIFY_METHOD, { back: true }))
  t.same(await a.receive(1), { jsonrpc: '2.0', method: NOTIFY_METHOD, params: { back: true } })
  t.same(await a.receive(2), { jsonrpc: '2.0', id: 1, result: true }, 'handlers may notify')
})

t.test('nothing goes to a session still in its handshake or too small for it', async (t) => {
  const f = await fixture(t)
  const small = await openSession(f, { v: 1, max_frame: 1024 })
  const waiting = await connect(f)
  t.equal(f.ctx.sessions.size, 2)
  t.equal(f.ctx.sessions.notifyClient(f.clientId, 'device.event', { pad: 'x'.repeat(2000) }), 0)
  small.send(request(1, METHODS.echo, { pad: 'y'.repeat(1500) }))
  t.same(await small.receive(0), rpcError(1, RPC_ERRORS.internalError), '§7.6: -32603 instead')
  t.equal(f.logs.filter((l) => l.event === 'session.message-too-large').length, 2, 'both logged')
  const sizes = small.observer.frames.map((frame) => frame.data.length)
  t.ok(sizes.every((size) => size <= 1024), 'no frame over its max_frame')
  t.equal(f.ctx.sessions.notifyClient(f.clientId, 'device.event', {}), 1, 'only the open session')
  t.equal(waiting.frames.length, 0, 'nothing before message 2')
})

/** Sends `frames` (raw) and expects close 4422 with nothing delivered from `from` on. */
async function authFailure(t: Test, s: ClientSession, frames: Uint8Array[], what: string) {
  for (const frame of frames) s.ws.send(frame)
  t.same(await s.observer.closed, closeOf(CLOSES.frameAuthFailed), what)
}

const record = (s: ClientSession, n: number) =>
  s.transport.seal(encodeJson(request(n, RECORD_METHOD, [n])))

t.test('a tampered frame → 4422; nothing of it or of later frames is delivered', async (t) => {
  const f = await fixture(t)
  for (const position of [0, 10, -1]) {
    f.delivered.length = 0
    const s = await openSession(f)
    const first = record(s, 1)
    const second = record(s, 2)
    const at = position < 0 ? second.length + position : position
    second[at]! ^= 0x80
    await authFailure(t, s, [first, second, record(s, 3)], `flipped byte ${position}`)
    t.same(f.delivered, [[1]], 'only the frame before it')
  }
})

t.test('replayed, reordered, dropped-before or truncated frames → 4422', async (t) => {
  const f = await fixture(t)
  const cases: [string, (s: ClientSession) => Uint8Array[]][] = [
    ['replayed', (s) => { const a = record(s, 1); return [a, a, record(s, 2)] }],
    ['reordered', (s) => { const a = record(s, 1); const b = record(s, 2); return [b, a] }],
    ['dropped before', (s) => { record(s, 1); return [record(s, 2), record(s, 3)] }],
    ['truncated', (s) => [record(s, 1).subarray(0, SIZES.aeadTag + 3), record(s, 2)]],
    ['tag only', (s) => [record(s, 1).subarray(0, SIZES.aeadTag)]],
  ]
  for (const [what, frames] of cases) {
    f.delivered.length = 0
    const s = await openSession(f)
    const expected = what === 'replayed' ? [[1]] : []
    await authFailure(t, s, frames(s), what)
    t.same(f.delivered, expected, `${what}: nothing after the failure`)
  }
})

t.test('a transport frame shorter than a tag, empty, or text → 4400 (§7.5)', async (t) => {
  const f = await fixture(t)
  const frames: [string, Uint8Array | string][] = [
    ['empty', new Uint8Array(0)],
    ['15 bytes', new Uint8Array(SIZES.aeadTag - 1)],
    ['text', JSON.stringify(request(1, METHODS.echo, {}))],
  ]
  for (const [what, frame] of frames) {
    const s = await openSession(f)
    s.ws.send(frame)
    s.ws.send(record(s, 1))
    t.same(await s.observer.closed, closeOf(CLOSES.malformedFrame), what)
  }
  t.same(f.delivered, [])
})

t.test('revocation closes every session of the client with 4403 within 1 s (§9.3)', async (t) => {
  const f = await fixture(t)
  const open = await openSession(f)
  const other = await openSession(f)
  const waiting = await connect(f)
  const started = Date.now()
  t.equal(f.ctx.sessions.closeClient(f.clientId, CLOSES.clientRevoked), 3)
  const revoked = closeOf(CLOSES.clientRevoked)
  t.same(await open.observer.closed, revoked)
  t.same(await other.observer.closed, revoked)
  t.same(await waiting.closed, revoked, 'also before message 1')
  t.ok(Date.now() - started < 1000, `closed in ${Date.now() - started} ms`)
  t.equal(f.ctx.sessions.closeClient(f.clientId, CLOSES.clientRevoked), 0, 'none left')
})

t.test('shutdown closes every session with 1001 going-away and waits for them', async (t) => {
  const f = await fixture(t)
  const a = await openSession(f)
  const b = await openSession(f)
  await f.ctx.sessions.closeAll(CLOSES.goingAway)
  t.equal(f.ctx.sessions.size, 0)
  const goingAway = closeOf(CLOSES.goingAway)
  t.same(await a.observer.closed, goingAway)
  t.same(await b.observer.closed, goingAway)
})

t.test('a client that closes is audited with its code', async (t) => {
  const f = await fixture(t)
  const s = await openSession(f)
  s.ws.close(CLOSES.normal.code, CLOSES.normal.reason)
  await until(() => f.ctx.sessions.size === 0)
  t.same(f.audit.map((a) => a.event), ['session.open', 'session.close'])
  t.same(f.audit[1]?.fields, {
    client_id: f.clientId,
    session_id: s.devicePayload.session_id,
    remote: '127.0.0.1',
    code: CLOSES.normal.code,
    by: 'client',
  })
})
