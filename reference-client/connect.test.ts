// Checks spec requirements: pw-sess-7.1-url, pw-sess-7.4-message-1-first, pw-sec-13.3-fresh-ephemeral
/**
 * What the client puts on the wire when it opens a session (spec §7.1, §7.4, §13.3), seen
 * through a socket factory that records the URL and every frame sent: the client connects to the
 * session URL of the device with the ticket the device issued, sends Noise message 1 as its first
 * frame and nothing else before message 2 arrives, and uses a new ephemeral key every session.
 */
import t from 'tap'
import { base64urlDecode, hexEncode, utf8Decode } from '../protocol/encoding.ts'
import { HandshakeState, sessionPrologue } from '../protocol/noise/index.ts'
import { METHODS, PATHS, SIZES } from '../protocol/registry.ts'
import { validateMessage } from '../schemas/validate.ts'
import { connect } from './connect.ts'
import type { Credentials } from './credentials.ts'
import { nodeSocketFactory } from './node-websocket.ts'
import { pair } from './pair.ts'
import type { SocketFactory } from './platform.ts'
import { FAKE_PIN, startFakeDevice, type FakeDeviceOptions } from './test-fixture.ts'

interface Recorded {
  readonly url: string
  /** Every frame the client sent, in order. */
  readonly sent: Uint8Array[]
  /** How many frames the client had sent when the first frame from the device arrived. */
  sentBeforeReply?: number
}

/** The platform's socket factory, recording what the client sends on each socket. */
function recordingFactory(log: Recorded[]): SocketFactory {
  return (url, refuse) => {
    const socket = nodeSocketFactory(url, refuse)
    const record: Recorded = { url, sent: [] }
    log.push(record)
    // Registered before the client's own listener, so it sees the reply first.
    socket.addEventListener('message', () => void (record.sentBeforeReply ??= record.sent.length))
    const send = socket.send.bind(socket)
    socket.send = (data) => {
      record.sent.push(data.slice())
      send(data)
    }
    return socket
  }
}

async function paired(t: { teardown(fn: () => unknown): void }, options: FakeDeviceOptions = {}) {
  const device = await startFakeDevice(options)
  t.teardown(() => device.close())
  return { device, credentials: await pair({ url: device.url, pin: FAKE_PIN, name: 'recorded' }) }
}

/** A fetch that keeps every ticket the device issues. */
function ticketKeeper(tickets: string[]) {
  return async (url: string, init?: RequestInit): Promise<Response> => {
    const response = await fetch(url, init)
    if (!url.endsWith(PATHS.tickets)) return response
    tickets.push(((await response.clone().json()) as { ticket: string }).ticket)
    return response
  }
}

/** Reads `frame` as the device would: Noise message 1 with a valid handshake-client-payload. */
function readMessage1(credentials: Credentials, frame: Uint8Array): unknown {
  const responder = new HandshakeState({
    role: 'responder',
    psk: base64urlDecode(credentials.pairing_key, SIZES.pairingKey),
    prologue: sessionPrologue(credentials.client_id, credentials.device_id),
  })
  const payload: unknown = JSON.parse(utf8Decode(responder.readMessage(frame)))
  return validateMessage('handshake-client-payload', payload)
}

t.test('the session URL: ws for an http device, the session path, the issued ticket', async (t) => {
  const { device, credentials } = await paired(t)
  const log: Recorded[] = []
  const tickets: string[] = []
  const options = { socketFactory: recordingFactory(log), fetch: ticketKeeper(tickets) }
  const session = await connect(credentials, options)
  t.teardown(() => session.close())
  t.equal(tickets.length, 1)
  const expected = `${device.url.replace(/^http:/, 'ws:')}${PATHS.websocket}?ticket=${tickets[0]}`
  t.same(log.map((r) => r.url), [expected])
  t.same(new URL(log[0]!.url).searchParams.getAll('ticket'), tickets, 'one ticket parameter')
})

t.test('message 1 is the first frame, and nothing follows it before message 2', async (t) => {
  const { device, credentials } = await paired(t)
  const log: Recorded[] = []
  const session = await connect(credentials, { socketFactory: recordingFactory(log) })
  t.teardown(() => session.close())
  const [record] = log as [Recorded]
  t.equal(record.sentBeforeReply, 1, 'one frame sent when message 2 arrived')
  t.match(readMessage1(credentials, record.sent[0]!), { ok: true }, 'that frame is message 1')
  t.same(await session.call(METHODS.echo, { after: 2 }), { after: 2 })
  t.equal(record.sent.length, 2, 'the request went after message 2')
  const request = { jsonrpc: '2.0', id: 1, method: METHODS.echo, params: { after: 2 } }
  t.same((await device.nextSession()).received, [request], 'and the device read it')
})

t.test('a device that never sends message 2 gets message 1 and nothing else', async (t) => {
  const { credentials } = await paired(t, { sessionMode: 'silent' })
  const log: Recorded[] = []
  const options = { socketFactory: recordingFactory(log), handshakeTimeoutMs: 300 }
  await t.rejects(connect(credentials, options), { kind: 'transport', message: /timed out/ })
  const [record] = log as [Recorded]
  t.equal(record.sent.length, 1, 'only message 1 in 300 ms')
  t.match(readMessage1(credentials, record.sent[0]!), { ok: true })
  t.equal(record.sentBeforeReply, undefined, 'the device sent nothing')
})

t.test('every session starts from a new ephemeral key', async (t) => {
  const { credentials } = await paired(t)
  const log: Recorded[] = []
  const socketFactory = recordingFactory(log)
  for (let i = 0; i < 5; i++) await (await connect(credentials, { socketFactory })).close()
  const ephemerals = log.map((r) => hexEncode(r.sent[0]!.subarray(0, SIZES.x25519Key)))
  t.equal(ephemerals.length, 5)
  t.equal(new Set(ephemerals).size, 5, 'e (the first 32 bytes of message 1) never repeats')
})
