// Checks spec requirements: pw-sess-7.9-going-away, pw-reg-9.3-operator-revocation
import t from 'tap'
import { fetch } from 'undici'
import WebSocket from 'ws'
import { utf8Encode } from '../protocol/encoding.ts'
import { HandshakeState, sessionPrologue } from '../protocol/noise/index.ts'
import { CLOSES, PATHS, PROBLEMS, SIZES } from '../protocol/registry.ts'
import { newNonce } from '../protocol/httpsig/index.ts'
import { createDevice, resolveLimits } from './device.ts'
import {
  audited,
  newClient,
  pair,
  signedFetch,
  silentLog,
  startDevice,
  type PairedClient,
  type TestDevice,
} from './http/test-fixture.ts'
import { startRedisServer } from './store/fixtures/redis-server.ts'

const echo = { jsonrpc: '2.0', id: 1, method: 'pairwire.echo', params: {} }

interface LiveSession {
  readonly ws: WebSocket
  readonly closed: Promise<{ code: number; reason: string }>
}

/** Gets a ticket over signed HTTP, opens the WebSocket and completes the Noise handshake. */
async function openSession(device: TestDevice, client: PairedClient): Promise<LiveSession> {
  const response = await signedFetch(device, client, { path: PATHS.tickets, body: { v: 1 } })
  const { ticket } = (await response.json()) as { ticket: string }
  const ws = new WebSocket(`${device.url.replace('http', 'ws')}${PATHS.websocket}?ticket=${ticket}`)
  ws.on('error', () => {})
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await new Promise((resolve) => ws.once('open', resolve))
  const noise = new HandshakeState({
    role: 'initiator',
    psk: client.pairingKey,
    prologue: sessionPrologue(client.clientId, device.deviceId),
  })
  const message2 = new Promise<Buffer>((resolve) => ws.once('message', (d) => resolve(d as Buffer)))
  const payload = { v: 1, max_frame: SIZES.noiseMaxMessage }
  ws.send(noise.writeMessage(utf8Encode(JSON.stringify(payload))))
  noise.readMessage(await message2)
  return { ws, closed }
}

const within = <T>(promise: Promise<T>, ms: number) => {
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))
  return Promise.race([promise, timeout])
}

const revoked = { code: CLOSES.clientRevoked.code, reason: CLOSES.clientRevoked.reason }

t.test('unpairing closes the client’s live sessions with 4403 within 1 s', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const bystander = await pair(device)
  const sessions = [await openSession(device, client), await openSession(device, client)]
  const other = await openSession(device, bystander)
  const unpair = await signedFetch(device, client, { method: 'DELETE', path: PATHS.clientsSelf })
  t.equal(unpair.status, 204)
  for (const session of sessions) t.same(await within(session.closed, 1000), revoked)
  t.equal(other.ws.readyState, WebSocket.OPEN, 'other clients keep their sessions')
  other.ws.close()
})

t.test('operator revocation closes live sessions with 4403; unknown ids are false', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const session = await openSession(device, client)
  t.equal(await device.revokeClient(client.clientId), true)
  t.same(await within(session.closed, 1000), revoked)
  t.equal(await device.revokeClient(client.clientId), false)
  t.match(audited(device, 'client.revoke'), [{ client_id: client.clientId, by: 'operator' }])
})

// Spec §5.8 {#pw-pair-5.8-repair-closes-sessions}: the old pairing key's sessions end with 4403.
t.test('re-pairing the same key replaces the record and closes the old sessions', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const session = await openSession(device, client)
  const again = await pair(device, newClient())
  t.not(again.clientId, client.clientId)
  t.equal(session.ws.readyState, WebSocket.OPEN, 'pairing another client leaves it alone')
  const repaired = await pair(device, client)
  t.equal(repaired.clientId, client.clientId)
  t.same(await within(session.closed, 1000), revoked)
  t.notSame(repaired.pairingKey, client.pairingKey, 'a new pairing key')
})

t.test('fault ignore-revocation: sessions stay open after unpairing', async (t) => {
  const device = await startDevice(t, { testHooks: true, faults: ['ignore-revocation'] })
  const client = await pair(device)
  const session = await openSession(device, client)
  await signedFetch(device, client, { method: 'DELETE', path: PATHS.clientsSelf })
  t.equal(await device.revokeClient(client.clientId), true, 'the record is still there')
  t.equal(await within(session.closed, 300), 'timeout')
  session.ws.close()
})

t.test('close(): sessions get 1001 going-away, the port stops accepting; idempotent', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const session = await openSession(device, client)
  const keepAlive = await fetch(device.url + PATHS.discovery)
  t.equal(keepAlive.status, 200)
  await Promise.all([device.close(), device.close()])
  t.same(await session.closed, { code: CLOSES.goingAway.code, reason: CLOSES.goingAway.reason })
  await t.rejects(fetch(device.url + PATHS.discovery))
})

t.test('one per-IP budget covers HTTP requests and WebSocket upgrades (§10.3)', async (t) => {
  const device = await startDevice(t, { limits: { rate_ip_per_minute: 2 } })
  for (let i = 0; i < 2; i++) await (await fetch(device.url + PATHS.discovery)).body?.cancel()
  const ws = new WebSocket(`${device.url.replace('http', 'ws')}${PATHS.websocket}?ticket=x`)
  ws.on('error', () => {})
  const status = await new Promise<number | undefined>((resolve) =>
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode)))
  t.equal(status, PROBLEMS.rateLimited.status)
})

t.test('two nodes on one Redis: cross-node replay refused, revocation ends sessions', async (t) => {
  const redis = await startRedisServer(t)
  const a = await startDevice(t, { store: redis.url })
  const b = await startDevice(t, { store: redis.url })
  const client = await pair(a)
  const nonce = newNonce()
  const first = await signedFetch(a, client, { path: PATHS.rpc, body: echo, nonce })
  t.equal(first.status, 200)
  await first.body?.cancel()
  const replayed = await signedFetch(b, client, { path: PATHS.rpc, body: echo, nonce })
  t.equal(replayed.status, PROBLEMS.replayedNonce.status, 'the nonce claimed on A is refused on B')
  await replayed.body?.cancel()
  const session = await openSession(b, client)
  const unpair = await signedFetch(a, client, { method: 'DELETE', path: PATHS.clientsSelf })
  t.equal(unpair.status, 204)
  t.same(await within(session.closed, 1000), revoked, 'B closes its session within 1 s')
})

t.test('createDevice refuses unsafe or invalid options', async (t) => {
  const logStream = silentLog()
  const base = { host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, logStream }
  await t.rejects(createDevice({ ...base, host: '0.0.0.0', testHooks: true }), /loopback/)
  await t.rejects(createDevice({ ...base, faults: ['no-rate-limit'] }), /test-control/)
  await t.rejects(createDevice({ ...base, limits: { max_pin_failures: 11 } }), RangeError)
  await t.rejects(createDevice({ ...base, store: 'nonsense' }))
  const first = await startDevice(t)
  const port = Number(new URL(first.url).port)
  await t.rejects(createDevice({ ...base, port }), { code: 'EADDRINUSE' })
  for (const host of ['::1', 'localhost', '127.0.0.2']) {
    const device = await createDevice({ ...base, host, testHooks: true })
    t.ok(device.ctx.testHooks, host)
    if (host === '::1') t.match(device.url, /^http:\/\/\[::1\]:\d+$/)
    await device.close()
  }
})

t.test('resolveLimits: defaults, overrides, spec §4.3 ranges, the relative rules', async (t) => {
  t.equal(resolveLimits().pin_ttl, 120)
  t.equal(resolveLimits({ skew: 5 }).skew, 5)
  t.throws(() => resolveLimits({ ticket_ttl: 61 }), RangeError)
  t.throws(() => resolveLimits({ max_frame: 65_536 }), RangeError)
  t.throws(() => resolveLimits({ max_body: 1023 }), RangeError)
  t.throws(() => resolveLimits({ skew: 1.5 }), RangeError)
  t.throws(() => resolveLimits({ pin_ttl: 200, max_pin_ttl: 100 }), /pin_ttl/)
  t.throws(() => resolveLimits({ max_inflight_bytes: 2048, max_body: 4096 }), /max_inflight_bytes/)
  t.throws(() => resolveLimits({ nonsense: 1 } as never), /unknown limit/)
})
