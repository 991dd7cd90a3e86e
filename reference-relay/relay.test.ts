/**
 * The reference relay's own rules that a harness cannot see from outside (spec §15.6, §15.9):
 * shutdown closes every link and stream with 1001, and its log lines stay bounded and carry no
 * query, header, challenge or frame byte. Also the client's §15.5 check of the device it reached,
 * against a "relay" that routes every stream to the wrong device.
 */
import { once } from 'node:events'
import { connect as tcpConnect, type AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import t from 'tap'
import WebSocket, { WebSocketServer } from 'ws'
import { PATHS, CLOSES } from '../protocol/registry.ts'
import { relayEndpointUrl } from '../protocol/relay.ts'
import { checkRelayedDevice, relayTransport } from '../reference-client/relay.ts'
import { ClientError } from '../reference-client/errors.ts'
import { createDevice } from '../reference-server/device.ts'
import { createRelay } from './relay.ts'

const quiet = () => new Writable({ write: (_c, _e, done) => done() })
const DEVICE_ID = 'pwd_Vkdap1RjR0wChd9dvyvKtw'

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })))
}

t.test('pw-relay-15.6-going-away: shutdown closes links and streams with 1001', async (t) => {
  const relay = await createRelay({ host: '127.0.0.1', port: 0, logStream: quiet() })
  const link = new WebSocket(relayEndpointUrl(relay.url, PATHS.relayDevice, DEVICE_ID))
  const stream = new WebSocket(relayEndpointUrl(relay.url, PATHS.relayClient, DEVICE_ID))
  await Promise.all([once(link, 'open'), once(stream, 'open')])
  const closes = Promise.all([closeOf(link), closeOf(stream)])
  await relay.close()
  const expected = { code: CLOSES.goingAway.code, reason: CLOSES.goingAway.reason }
  t.same(await closes, [expected, expected])
})

t.test('pw-relay-15.9-bounded-fields: log lines are bounded and hold nothing of the request', async (t) => {
  const lines: string[] = []
  const logStream = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) })
  const relay = await createRelay({ host: '127.0.0.1', port: 0, logStream })
  t.teardown(() => relay.close())
  const junk = 'J'.repeat(4000)
  const refused = new WebSocket(`${relay.url}${PATHS.relayClient}?device_id=${junk}&ticket=${junk}`, { headers: { 'x-junk': junk } })
  refused.on('error', () => {})
  await new Promise((resolve) => refused.once('close', resolve))
  const stream = new WebSocket(relayEndpointUrl(relay.url, PATHS.relayClient, DEVICE_ID), { headers: { 'user-agent': junk } })
  await once(stream, 'open')
  stream.send(Buffer.from(`secret-frame-${junk}`))
  stream.close()
  await once(stream, 'close')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.ok(lines.length >= 3, 'refusal, stream opened and closed are logged')
  for (const line of lines) {
    t.ok(line.length < 400, `bounded: ${line.length} bytes`)
    t.notOk(line.includes('JJJJ') || line.includes('secret-frame'), 'nothing of the request or its frames')
  }
})

t.test('pw-relay-15.5-client-checks-id: a relay that reaches another device fails before pairing', async (t) => {
  const device = await createDevice({ host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, logStream: quiet() })
  t.teardown(() => device.close())
  // A "relay" that carries every client stream to this one device, whatever the id asked for.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await once(wss, 'listening')
  t.teardown(() => new Promise((resolve) => wss.close(resolve)))
  wss.on('connection', (ws) => {
    const tcp = tcpConnect(Number(new URL(device.url).port), '127.0.0.1')
    tcp.on('data', (bytes) => ws.send(bytes))
    tcp.on('close', () => ws.close())
    ws.on('message', (bytes) => tcp.write(bytes as Buffer))
    ws.on('close', () => tcp.destroy())
  })
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`
  const right = relayTransport(url, device.deviceId)
  t.teardown(() => right.close())
  await checkRelayedDevice(right)
  t.pass('the device asked for passes')
  const wrong = relayTransport(url, DEVICE_ID)
  t.teardown(() => wrong.close())
  const error = await checkRelayedDevice(wrong).then(() => null, (e: unknown) => e)
  t.ok(error instanceof ClientError)
  t.match(error, { kind: 'device-verification', what: 'device-id' })
})
