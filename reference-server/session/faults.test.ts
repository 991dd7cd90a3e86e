import t, { type Test } from 'tap'
import { utf8Decode } from '../../protocol/encoding.ts'
import { NoiseTransport } from '../../protocol/noise/index.ts'
import { CLOSES, METHODS, SIZES } from '../../protocol/registry.ts'
import type { FaultName } from '../faults.ts'
import {
  clientHandshake,
  closeOf,
  connect,
  encodeJson,
  openSession,
  RECORD_METHOD,
  startFixture,
  type Fixture,
} from './test-fixture.ts'

async function withFault(t: Test, fault: FaultName): Promise<Fixture> {
  const f = await startFixture({ faults: [fault] })
  t.teardown(() => f.close())
  return f
}

const CLIENT_PAYLOAD = { v: 1, max_frame: SIZES.noiseMaxMessage }
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const request = (id: number, method: string, params: unknown) =>
  encodeJson({ jsonrpc: '2.0', id, method, params })

t.test('fault deliver-unauthenticated-frame: auth failures no longer end sessions', async (t) => {
  const f = await withFault(t, 'deliver-unauthenticated-frame')
  const s = await openSession(f)
  const frame = s.transport.seal(request(1, RECORD_METHOD, [1]))
  frame[0]! ^= 1
  s.ws.send(frame)
  await pause(200)
  t.equal(s.ws.readyState, s.ws.OPEN, 'no 4422')
  t.equal(f.ctx.sessions.notifyClient(f.clientId, 'device.event', {}), 1, 'the session goes on')
  t.same(await s.receive(0), { jsonrpc: '2.0', method: 'device.event', params: {} })

  const text = await openSession(f)
  text.ws.send('{}')
  t.same(await text.observer.closed, closeOf(CLOSES.malformedFrame), 'text frames: still 4400')
  const wrongKey = await connect(f)
  wrongKey.ws.send(clientHandshake(f, new Uint8Array(32)).writeMessage(encodeJson(CLIENT_PAYLOAD)))
  t.same(await wrongKey.closed, closeOf(CLOSES.handshakeFailed), 'handshake failures: still 4401')
})

t.test('fault notify-before-handshake: a cleartext notification precedes message 2', async (t) => {
  const f = await withFault(t, 'notify-before-handshake')
  const observer = await connect(f)
  const first = await observer.frame(0)
  t.ok(first?.isBinary, 'a data frame right after the upgrade')
  const note = JSON.parse(utf8Decode(first!.data))
  t.match(note, { jsonrpc: '2.0', method: METHODS.deviceInfo }, 'in clear')

  const noise = clientHandshake(f)
  observer.ws.send(noise.writeMessage(encodeJson(CLIENT_PAYLOAD)))
  const message2 = await observer.frame(1)
  const payload = JSON.parse(utf8Decode(noise.readMessage(message2!.data)))
  t.match(payload, { v: 1 }, 'the handshake still works')
  const transport = new NoiseTransport(noise.split())
  observer.ws.send(transport.seal(request(1, METHODS.echo, [])))
  const answer = await observer.frame(2)
  const echoed = JSON.parse(utf8Decode(transport.open(answer!.data)))
  t.same(echoed, { jsonrpc: '2.0', id: 1, result: [] })
  observer.ws.send(transport.seal(encodeJson({})).map((b, i) => (i === 0 ? b ^ 1 : b)))
  t.same(await observer.closed, closeOf(CLOSES.frameAuthFailed), 'auth failures: still 4422')
})
