/**
 * The reference device behind a relay, against a scripted relay (spec §15.3 - §15.5): it claims
 * its slot with a valid signature over the relay's Host, serves streams as HTTP connections,
 * refuses plaintext RPC and test-control on them, keys its per-address cap on the source tag,
 * ignores frames of unknown streams, ends resumed ones, writes at most 16384 bytes per frame, and
 * does not reconnect after 4409 device-replaced.
 */
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { WebSocketServer, type WebSocket } from 'ws'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../../protocol/encoding.ts'
import { decodeRelayFrame, encodeRelayFrame, openBody, verifyClaim, type RelayFrame } from '../../protocol/relay.ts'
import { CLOSES, PATHS, RELAY_LIMIT_DEFAULTS, SIZES } from '../../protocol/registry.ts'
import { createDevice } from '../device.ts'
import { RelayedSocket } from './slot.ts'

const quiet = () => new Writable({ write: (_c, _e, done) => done() })
const TAG_A = new Uint8Array(8).fill(0xaa)
const TAG_B = new Uint8Array(8).fill(0xbb)

/** A relay that holds any valid claim and lets the test drive the link. */
async function scriptedRelay(t: Test) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await once(wss, 'listening')
  t.teardown(() => new Promise((resolve) => wss.close(() => resolve(undefined))))
  const links: { ws: WebSocket; claimOk: boolean; frames: RelayFrame[] }[] = []
  const arrived: (() => void)[] = []
  wss.on('connection', (ws, req) => {
    const challenge = defaultBackend.randomBytes(SIZES.relayChallenge)
    const link = { ws, claimOk: false, frames: [] as RelayFrame[] }
    const deviceId = new URL(req.url ?? '', 'http://x').searchParams.get('device_id') ?? ''
    ws.send(JSON.stringify({ v: 1, type: 'challenge', challenge: base64urlEncode(challenge) }))
    ws.once('message', (data) => {
      const claim = JSON.parse(String(data)) as { device_key: string; signature: string }
      const verdict = verifyClaim(base64urlDecode(claim.device_key), base64urlDecode(claim.signature), req.headers.host ?? '', challenge, deviceId)
      link.claimOk = verdict === 'ok'
      ws.send(JSON.stringify({ v: 1, type: 'held', grace: 1, max_frame: RELAY_LIMIT_DEFAULTS.max_frame, max_streams_per_device: 4 }))
      ws.on('message', (frame) => link.frames.push(decodeRelayFrame(frame as Buffer)!))
      links.push(link)
      arrived.splice(0).forEach((f) => f())
    })
  })
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`
  const nextLink = async () => {
    const count = links.length
    while (links.length === count) await new Promise<void>((resolve) => arrived.push(resolve))
    return links.at(-1)!
  }
  return { url, links, nextLink }
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10))
  return check()
}

/** The HTTP status line the device wrote on `stream`, once it arrived. */
function statusOf(frames: RelayFrame[], stream: number): number | null {
  const text = Buffer.concat(frames.filter((f) => f.stream === stream && f.type === 'data').map((f) => f.body)).toString('latin1')
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text)
  return m === null ? null : Number(m[1])
}

function post(path: string, body: string): Uint8Array {
  return Buffer.from(`POST ${path} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
}

t.test('through a relay: claim, HTTP, refusals, source-tag cap, unknown streams, 4409', async (t) => {
  const relay = await scriptedRelay(t)
  const device = await createDevice({
    host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, testHooks: true, logStream: quiet(),
    limits: { max_connections_per_ip: 1 }, relay: relay.url,
  })
  t.teardown(() => device.close())
  const link = await relay.nextLink()
  await device.relayHeld
  t.ok(link.claimOk, 'pw-relay-15.3-claim-signature: the claim verifies over the Host the device sent')

  // pw-relay-15.5-no-test-control and pw-relay-15.5-no-plain-rpc, on a device with test hooks on.
  link.ws.send(encodeRelayFrame('open', 1, openBody(false, TAG_A)))
  link.ws.send(encodeRelayFrame('data', 1, post(PATHS.testPin, '{"v":1}')))
  t.ok(await until(() => statusOf(link.frames, 1) !== null))
  t.equal(statusOf(link.frames, 1), 404, 'test-control is never served on a relayed stream')
  link.ws.send(encodeRelayFrame('end', 1))
  await new Promise((resolve) => setTimeout(resolve, 200))
  link.ws.send(encodeRelayFrame('open', 6, openBody(false, TAG_A)))
  link.ws.send(encodeRelayFrame('data', 6, Buffer.from(`GET ${PATHS.testPin} HTTP/1.1\r\nHost: relay\r\n\r\n`)))
  t.ok(await until(() => statusOf(link.frames, 6) !== null))
  t.equal(statusOf(link.frames, 6), 404, 'nor is its path known to any method: 404, not 405 (§12.2)')
  link.ws.send(encodeRelayFrame('end', 6))
  // Stream 1's socket must be closed before tag A's one connection is free again.
  await new Promise((resolve) => setTimeout(resolve, 200))
  link.ws.send(encodeRelayFrame('open', 2, openBody(false, TAG_A)))
  link.ws.send(encodeRelayFrame('data', 2, post(PATHS.rpc, '{"jsonrpc":"2.0","id":1,"method":"pairwire.echo"}')))
  t.ok(await until(() => statusOf(link.frames, 2) !== null))
  t.equal(statusOf(link.frames, 2), 404, 'plaintext RPC is refused before the signature is even read')

  // pw-relay-15.5-limits-by-source: cap 1 per address; stream 2 (tag A) is still open.
  link.ws.send(encodeRelayFrame('open', 3, openBody(false, TAG_A)))
  t.ok(await until(() => link.frames.some((f) => f.stream === 3 && f.type === 'end')), 'a second stream from tag A is refused (ended)')
  link.ws.send(encodeRelayFrame('open', 4, openBody(false, TAG_B)))
  link.ws.send(encodeRelayFrame('data', 4, Buffer.from('GET /.well-known/pairwire HTTP/1.1\r\nHost: relay\r\n\r\n')))
  t.ok(await until(() => statusOf(link.frames, 4) !== null))
  t.equal(statusOf(link.frames, 4), 200, 'a stream from tag B is served: the cap is keyed by the source tag')
  const document = Buffer.concat(link.frames.filter((f) => f.stream === 4 && f.type === 'data').map((f) => f.body)).toString()
  t.match(document, /"profiles":\["pairing","session","signed-http"\]/, 'discovery on a relayed stream does not list test-control (§4.2)')

  // pw-relay-15.4-device-unknown-stream: ignored; a resumed stream it cannot continue is ended.
  link.ws.send(encodeRelayFrame('data', 99, Uint8Array.of(1)))
  link.ws.send(encodeRelayFrame('end', 98))
  link.ws.send(encodeRelayFrame('open', 5, openBody(true, TAG_B)))
  t.ok(await until(() => link.frames.some((f) => f.stream === 5 && f.type === 'end')), 'a resumed stream is ended')
  t.equal(link.ws.readyState, link.ws.OPEN, 'frames of unknown streams left the link open')

  // pw-relay-15.3-no-reconnect-after-replace.
  const before = relay.links.length
  link.ws.close(CLOSES.deviceReplaced.code, CLOSES.deviceReplaced.reason)
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal(relay.links.length, before, 'no new link after 4409 (the backoff would have retried within 0.6 s)')
})

t.test('a stream the device ends is closed both ways: its source may connect again (pw-relay-15.4-end)', async (t) => {
  const relay = await scriptedRelay(t)
  const device = await createDevice({
    host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, logStream: quiet(),
    limits: { max_connections_per_ip: 1 }, relay: relay.url,
  })
  t.teardown(() => device.close())
  const link = await relay.nextLink()
  await device.relayHeld
  const discovery = Buffer.from('GET /.well-known/pairwire HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n')
  // A refused upgrade (no ticket, §7.2): node:http leaves its socket paused.
  const upgrade = Buffer.from(`GET ${PATHS.websocket} HTTP/1.1\r\nHost: relay\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
  const requests = [[discovery, 200], [upgrade, 401], [upgrade, 401], [discovery, 200]] as const
  for (const [i, [request, status]] of requests.entries()) {
    const stream = i + 1
    // The relay never sends `end` back: after the device's own `end` the stream is over (§15.4).
    link.ws.send(encodeRelayFrame('open', stream, openBody(false, TAG_A)))
    link.ws.send(encodeRelayFrame('data', stream, request))
    t.ok(await until(() => link.frames.some((f) => f.stream === stream && f.type === 'end')), `stream ${stream} ended by the device`)
    t.equal(statusOf(link.frames, stream), status, `stream ${stream} served, not refused by a leaked connection count`)
  }
})

t.test('the device reconnects after other losses of its link (pw-relay-15.3-backoff)', async (t) => {
  const relay = await scriptedRelay(t)
  const device = await createDevice({ host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, logStream: quiet(), relay: relay.url })
  t.teardown(() => device.close())
  const first = await relay.nextLink()
  const startedAt = Date.now()
  first.ws.terminate()
  await relay.nextLink()
  const waited = Date.now() - startedAt
  t.ok(waited >= 450, `not at once (${waited} ms)`)
})

t.test('a relayed socket writes at most 16384 bytes per data frame (pw-relay-15.7-chunk-size)', async (t) => {
  const sent: Uint8Array[] = []
  const socket = new RelayedSocket(7, TAG_A, (bytes) => void sent.push(bytes))
  await new Promise<void>((resolve) => socket.write(new Uint8Array(40_000), () => resolve()))
  const bodies = sent.map((f) => decodeRelayFrame(f)!)
  t.same(bodies.map((f) => f.body.length), [16_384, 16_384, 7232])
  t.ok(bodies.every((f) => f.type === 'data' && f.stream === 7))
  t.equal(socket.remoteAddress, 'relay:aaaaaaaaaaaaaaaa', 'keyed by the source tag, never loopback')
})
