import t from 'tap'
import WebSocket from 'ws'
import { utf8Encode } from '../protocol/encoding.ts'
import {
  CLOSES,
  METHODS,
  PATHS,
  PROBLEMS,
  RPC_ERRORS,
  SIZES,
  problemType,
} from '../protocol/registry.ts'
import { connect } from './connect.ts'
import type { Credentials } from './credentials.ts'
import { ClientError, RpcError } from './errors.ts'
import { pair } from './pair.ts'
import type { NotificationListener } from './session.ts'
import {
  FAKE_PIN,
  startFakeDevice,
  type FakeDevice,
  type FakeDeviceOptions,
} from './test-fixture.ts'

type Teardown = { teardown(fn: () => unknown): void }

async function paired(t: Teardown, options: FakeDeviceOptions = {}) {
  const device = await startFakeDevice(options)
  t.teardown(() => device.close())
  const credentials = await pair({ url: device.url, pin: FAKE_PIN, name: 'tester' })
  return { device, credentials }
}

async function session(
  t: Teardown,
  device: FakeDevice,
  credentials: Credentials,
  onNotification?: NotificationListener,
) {
  const opened = await connect(credentials, { ...(onNotification && { onNotification }) })
  t.teardown(() => opened.close())
  return { client: opened, device: await device.nextSession() }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

t.test('pairwire.echo answers its params, in order, for many calls', async (t) => {
  const { device, credentials } = await paired(t)
  const { client } = await session(t, device, credentials)
  t.match(client.device, { v: 1, max_frame: SIZES.noiseMaxMessage })
  const params = Array.from({ length: 20 }, (_, i) => ({ i, text: 'é'.repeat(i) }))
  t.same(await Promise.all(params.map((p) => client.call(METHODS.echo, p))), params)
  t.same(await client.call(METHODS.echo, [1, [2]]), [1, [2]])
  t.same(await client.call(METHODS.echo), null, 'params may be absent')
  t.same(await client.close(), { code: CLOSES.normal.code, reason: CLOSES.normal.reason })
  const later = (await failure(client.call(METHODS.echo, {}))) as ClientError
  t.equal(later.kind, 'close', 'closed for good')
})

t.test('notifications flow both ways', async (t) => {
  const { device, credentials } = await paired(t)
  const seen: unknown[] = []
  const { client, device: fakeSession } = await session(t, device, credentials, (method, params) =>
    seen.push({ method, params }),
  )
  const later: unknown[] = []
  const remove = client.onNotification((method) => later.push(method))
  fakeSession.send({ jsonrpc: '2.0', method: 'device.changed', params: { n: 1 } })
  await client.call(METHODS.echo, {})
  remove()
  fakeSession.send({ jsonrpc: '2.0', method: 'device.changed', params: { n: 2 } })
  client.notify('client.hello', { a: 1 })
  await client.call(METHODS.echo, {})
  t.same(seen, [
    { method: 'device.changed', params: { n: 1 } },
    { method: 'device.changed', params: { n: 2 } },
  ])
  t.same(later, ['device.changed'], 'a removed listener hears nothing more')
  t.match(fakeSession.received, [{}, { method: 'client.hello', params: { a: 1 } }, {}])
})

t.test('a notification sent right behind message 2 is delivered', async (t) => {
  const { device, credentials } = await paired(t, { sessionMode: 'notify-with-message-2' })
  const heard: string[] = []
  const listener = (method: string) => void heard.push(method)
  const { client } = await session(t, device, credentials, listener)
  await client.call(METHODS.echo, {})
  t.same(heard, ['device.welcome'])
})

t.test('a JSON-RPC error answer rejects with an RpcError: code, message, data', async (t) => {
  const { device, credentials } = await paired(t)
  const { client } = await session(t, device, credentials)
  const error = await failure(client.call('no.such.method', {}))
  t.ok(error instanceof RpcError)
  const { code, message } = RPC_ERRORS.methodNotFound
  t.match(error, { code, message })
  t.same((error as RpcError).data, { method: 'no.such.method' })
})

t.test('requests, stray responses and non-JSON-RPC from the device are ignored', async (t) => {
  const { device, credentials } = await paired(t)
  const heard: string[] = []
  const listener = (method: string) => void heard.push(method)
  const { client, device: fakeSession } = await session(t, device, credentials, listener)
  const pending = client.request('slow', {})
  for (const stray of [
    { jsonrpc: '2.0', id: 7, method: 'client.anything' },
    { jsonrpc: '2.0', id: 'orphan', result: 1 },
    { jsonrpc: '2.0', id: 99, result: 1 },
    [1, 2],
    'text',
  ]) fakeSession.send(stray)
  t.match(await pending, { id: 1, error: { code: RPC_ERRORS.methodNotFound.code } })
  t.same(await client.call(METHODS.echo, [3]), [3], 'the session goes on')
  t.same(heard, [])
  t.equal(fakeSession.received.length, 2, 'the client answered none of them')
})

t.test('request resolves with the response object as received', async (t) => {
  const { device, credentials } = await paired(t)
  const { client } = await session(t, device, credentials)
  t.same(await client.request(METHODS.echo, { a: 1 }), { jsonrpc: '2.0', id: 1, result: { a: 1 } })
  const { code, message } = RPC_ERRORS.methodNotFound
  t.same(await client.request('nope'), {
    jsonrpc: '2.0', id: 2, error: { code, message, data: { method: 'nope' } },
  })
})

t.test('a tampered frame closes with frame-auth-failed and delivers nothing', async (t) => {
  const { device, credentials } = await paired(t)
  const heard: unknown[] = []
  const listener = (method: string) => void heard.push(method)
  const { client, device: fakeSession } = await session(t, device, credentials, listener)
  const pending = client.call('slow', {})
  fakeSession.sendTampered({ jsonrpc: '2.0', method: 'tampered', params: {} })
  fakeSession.send({ jsonrpc: '2.0', method: 'after', params: {} })
  const error = (await failure(pending)) as ClientError
  t.equal(error.kind, 'device-verification')
  t.equal(error.what, 'frame-auth')
  const closing = { code: CLOSES.frameAuthFailed.code, reason: CLOSES.frameAuthFailed.reason }
  t.same(await fakeSession.closed, closing, 'the device sees 4422')
  t.same(await client.closed, closing)
  t.same(heard, [], 'neither the tampered frame nor a later one is delivered')
  t.equal(await failure(client.call(METHODS.echo, {})), error, 'later calls fail the same way')
})

t.test('frames that cannot be transport messages close the session', async (t) => {
  const cases: [string | Uint8Array, typeof CLOSES.malformedFrame][] = [
    ['{"jsonrpc":"2.0","method":"x"}', CLOSES.malformedFrame],
    [new Uint8Array(0), CLOSES.malformedFrame],
    [new Uint8Array(SIZES.aeadTag - 1), CLOSES.malformedFrame],
    [new Uint8Array(SIZES.noiseMaxMessage + 1), CLOSES.frameTooLarge],
  ]
  const { device, credentials } = await paired(t)
  for (const [frame, close] of cases) {
    const { client, device: fakeSession } = await session(t, device, credentials)
    const pending = client.call('slow', {})
    fakeSession.sendRaw(frame)
    t.match(await failure(pending), { kind: 'device-verification', what: 'frame' })
    t.same(await fakeSession.closed, { code: close.code, reason: close.reason })
  }
})

t.test('a close by the device surfaces its code and reason', async (t) => {
  const { device, credentials } = await paired(t)
  const { client, device: fakeSession } = await session(t, device, credentials)
  const pending = client.call('slow', {})
  fakeSession.close(CLOSES.clientRevoked.code, CLOSES.clientRevoked.reason)
  const error = (await failure(pending)) as ClientError
  const revoked = { code: CLOSES.clientRevoked.code, reason: CLOSES.clientRevoked.reason }
  t.equal(error.kind, 'close')
  t.same(error.close, revoked)
  t.same(await client.closed, revoked)
})

t.test('a connection lost without a close frame is a transport error', async (t) => {
  const { device, credentials } = await paired(t)
  const { client, device: fakeSession } = await session(t, device, credentials)
  const pending = client.call('slow', {})
  fakeSession.terminate()
  t.match(await failure(pending), { kind: 'transport', message: /lost/ })
  t.equal((await client.closed).reason, '')
})

t.test('a message larger than the max_frame is refused before it is sent', async (t) => {
  const { device, credentials } = await paired(t)
  const { client, device: fakeSession } = await session(t, device, credentials)
  const big = 'x'.repeat(SIZES.noiseMaxMessage)
  const error = (await failure(client.call(METHODS.echo, { big }))) as ClientError
  t.equal(error.kind, 'usage')
  t.throws(() => client.notify('big', ['x'.repeat(SIZES.noiseMaxMessage)]), ClientError)
  t.same(await client.call(METHODS.echo, { small: true }), { small: true }, 'the session goes on')
  t.equal(fakeSession.received.length, 1)
})

t.test('handshake failures are device-verification failures with their close', async (t) => {
  const cases = [
    ['garbage-message-2', CLOSES.handshakeFailed],
    ['cleartext-before-message-2', CLOSES.handshakeFailed],
    ['message-2-version-2', CLOSES.handshakeFailed],
    ['text-before-message-2', CLOSES.malformedFrame],
    ['short-message-2', CLOSES.malformedFrame],
  ] as const
  for (const [mode, close] of cases) {
    const { device, credentials } = await paired(t, { sessionMode: mode })
    const heard: unknown[] = []
    const onNotification = (method: string) => void heard.push(method)
    const error = (await failure(connect(credentials, { onNotification }))) as ClientError
    t.equal(error.kind, 'device-verification', mode)
    t.equal(error.what, 'noise-message-2', mode)
    const closed = await (await device.nextSession()).closed
    t.same(closed, { code: close.code, reason: close.reason }, mode)
    t.same(heard, [], `${mode}: nothing delivered`)
  }
})

t.test('a message 2 that never comes is a timeout, closed 1000 normal (4408 is the device\'s code, spec §7.4)', async (t) => {
  const { device, credentials } = await paired(t, { sessionMode: 'silent' })
  const error = (await failure(connect(credentials, { handshakeTimeoutMs: 200 }))) as ClientError
  t.equal(error.kind, 'transport')
  const close = CLOSES.normal
  t.same(await (await device.nextSession()).closed, { code: close.code, reason: close.reason })
})

t.test('a refused ticket request is its problem', async (t) => {
  const entry = PROBLEMS.rateLimited
  const { credentials } = await paired(t, { problems: { [PATHS.tickets]: { entry } } })
  const error = (await failure(connect(credentials))) as ClientError
  t.equal(error.kind, 'problem')
  t.equal(error.problem!.type, problemType(entry))
})

/** A fetch that swaps the issued ticket for another well-formed one the device never issued. */
const forgedTicketFetch = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init)
  if (!url.endsWith(PATHS.tickets)) return response
  const body = { ...(await response.json()), ticket: 'A'.repeat(43) }
  return new Response(JSON.stringify(body), { status: 200 })
}

t.test('an upgrade refused before the WebSocket opens is its problem on Node', async (t) => {
  const { credentials } = await paired(t)
  const error = (await failure(connect(credentials, { fetch: forgedTicketFetch }))) as ClientError
  t.equal(error.kind, 'problem')
  t.equal(error.problem!.type, problemType(PROBLEMS.ticketInvalid))
  t.equal(error.problem!.status, PROBLEMS.ticketInvalid.status)
})

t.test('with a global WebSocket (browsers, Node 22) only the standard API is used', async (t) => {
  const { device, credentials } = await paired(t)
  const global = globalThis as { WebSocket?: unknown }
  const before = global.WebSocket
  global.WebSocket = WebSocket
  t.teardown(() => void (global.WebSocket = before))
  const { client } = await session(t, device, credentials)
  t.same(await client.call(METHODS.echo, { via: 'global' }), { via: 'global' })
  const refused = (await failure(connect(credentials, { fetch: forgedTicketFetch }))) as ClientError
  t.equal(refused.kind, 'transport', 'a browser cannot read the refusal')
})

t.test('credentials whose keys do not decode are a usage error, nothing sent', async (t) => {
  const { credentials } = await paired(t)
  const error = (await failure(connect({ ...credentials, pairing_key: 'short' }))) as ClientError
  t.equal(error.kind, 'usage')
})

t.test('a device that answers message 1 with a close is that close', async (t) => {
  const { device, credentials } = await paired(t, { sessionMode: 'silent' })
  const connecting = connect(credentials)
  const fakeSession = await device.nextSession()
  fakeSession.close(CLOSES.handshakeFailed.code, CLOSES.handshakeFailed.reason)
  const error = (await failure(connecting)) as ClientError
  t.equal(error.kind, 'close')
  t.same(error.close, { code: CLOSES.handshakeFailed.code, reason: CLOSES.handshakeFailed.reason })
})

t.test('a frame the client cannot decrypt as text is never mistaken for data', async (t) => {
  const { device, credentials } = await paired(t)
  const { client, device: fakeSession } = await session(t, device, credentials)
  const pending = client.call('slow', {})
  fakeSession.sendRaw(utf8Encode('{"jsonrpc":"2.0","id":1,"result":"forged"}'))
  t.match(await failure(pending), { kind: 'device-verification', what: 'frame-auth' })
})
