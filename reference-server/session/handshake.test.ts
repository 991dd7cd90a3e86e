import t, { type Test } from 'tap'
import { concatBytes, utf8Decode, utf8Encode } from '../../protocol/encoding.ts'
import { sessionPrologue, SymmetricState } from '../../protocol/noise/index.ts'
import { CLOSES, SIZES, type CloseEntry } from '../../protocol/registry.ts'
import { validateMessage } from '../../schemas/validate.ts'
import {
  clientHandshake,
  connect,
  encodeJson,
  openSession,
  startFixture,
  type Fixture,
  type Observer,
} from './test-fixture.ts'

const CLIENT_PAYLOAD = { v: 1, max_frame: SIZES.noiseMaxMessage }

async function fixture(t: Test, options?: Parameters<typeof startFixture>[0]): Promise<Fixture> {
  const f = await startFixture(options)
  t.teardown(() => f.close())
  return f
}

/** The session ends with exactly `entry` (code and reason) and no data frame ever arrived. */
async function closedWith(t: Test, observer: Observer, entry: CloseEntry, what = entry.name) {
  t.same(await observer.closed, { code: entry.code, reason: entry.reason }, what)
  t.equal(observer.frames.length, 0, `${what}: no data frame from the device`)
}

t.test('message 1 is answered by message 2 with the device payload (§7.4)', async (t) => {
  const f = await fixture(t, { limits: { ping_interval: 7, max_frame: 4096 } })
  const session = await openSession(f)
  t.ok(validateMessage('handshake-device-payload', session.devicePayload).ok, 'schema')
  t.match(session.devicePayload, { v: 1, max_frame: 4096, ping_interval: 7 })
  t.match(session.observer.frames[0], { isBinary: true }, 'message 2 is the first frame, binary')
  const other = await openSession(f)
  t.not(other.devicePayload.session_id, session.devicePayload.session_id, 'fresh session ids')
  t.match(f.audit, [
    {
      event: 'session.open',
      fields: {
        client_id: f.clientId,
        session_id: session.devicePayload.session_id,
        remote: '127.0.0.1',
      },
    },
    { event: 'session.open', fields: { session_id: other.devicePayload.session_id } },
  ])
  t.equal(f.ctx.sessions.size, 2)
})

t.test('message 1 under another pairing key → 4401 handshake-failed', async (t) => {
  const f = await fixture(t)
  const observer = await connect(f)
  const wrong = clientHandshake(f, new Uint8Array(SIZES.pairingKey).fill(7))
  observer.ws.send(wrong.writeMessage(encodeJson(CLIENT_PAYLOAD)))
  await closedWith(t, observer, CLOSES.handshakeFailed)
  const fields = { code: CLOSES.handshakeFailed.code, by: 'device' }
  t.match(f.audit, [{ event: 'session.close', fields }])
})

t.test('altered, truncated or garbage message 1 of 48 bytes or more → 4401', async (t) => {
  const f = await fixture(t)
  const message1 = clientHandshake(f).writeMessage(encodeJson(CLIENT_PAYLOAD))
  const flipped = (i: number) => message1.map((b, j) => (j === i ? b ^ 1 : b))
  const variants: [string, Uint8Array][] = [
    ['flipped e', flipped(0)],
    ['flipped ciphertext', flipped(40)],
    ['flipped tag', flipped(message1.length - 1)],
    ['truncated', message1.subarray(0, message1.length - 1)],
    ['48 bytes', message1.subarray(0, SIZES.x25519Key + SIZES.aeadTag)],
    ['zeros', new Uint8Array(200)],
  ]
  for (const [what, frame] of variants) {
    const observer = await connect(f)
    observer.ws.send(frame)
    await closedWith(t, observer, CLOSES.handshakeFailed, what)
  }
})

t.test('a frame too short for message 1, empty or text → 4400 (§7.5)', async (t) => {
  const f = await fixture(t)
  const frames: [string, Uint8Array | string][] = [
    ['empty', new Uint8Array(0)],
    ['1 byte', new Uint8Array(1)],
    ['47 bytes', new Uint8Array(SIZES.x25519Key + SIZES.aeadTag - 1)],
    ['text', 'hello'],
    ['text message 1', utf8Decode(new Uint8Array(64).fill(0x41))],
  ]
  for (const [what, frame] of frames) {
    const observer = await connect(f)
    observer.ws.send(frame)
    await closedWith(t, observer, CLOSES.malformedFrame, what)
  }
})

t.test('a message 1 payload that is not a valid handshake-client-payload → 4401', async (t) => {
  const f = await fixture(t)
  const payloads: [string, Uint8Array][] = [
    ['not JSON', utf8Encode('{"v":1,')],
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d])],
    ['empty', new Uint8Array(0)],
    ['array', encodeJson([1])],
    ['no max_frame', encodeJson({ v: 1 })],
    ['unknown member', encodeJson({ ...CLIENT_PAYLOAD, extra: 1 })],
    ['max_frame too large', encodeJson({ v: 1, max_frame: SIZES.noiseMaxMessage + 1 })],
    ['max_frame below 1024', encodeJson({ v: 1, max_frame: 100 })],
    ['no v', encodeJson({ max_frame: 4096 })],
    ['v as a string', encodeJson({ v: '2', max_frame: 4096 })],
    ['v not an integer', encodeJson({ v: 1.5, max_frame: 4096 })],
  ]
  for (const [what, payload] of payloads) {
    const observer = await connect(f)
    observer.ws.send(clientHandshake(f).writeMessage(payload))
    await closedWith(t, observer, CLOSES.handshakeFailed, what)
  }
})

t.test('a payload with an integer v other than 1 → 4426 unsupported-version', async (t) => {
  const f = await fixture(t)
  for (const v of [0, 2, 99]) {
    const observer = await connect(f)
    observer.ws.send(clientHandshake(f).writeMessage(encodeJson({ v, max_frame: 4096 })))
    await closedWith(t, observer, CLOSES.unsupportedVersion, `v ${v}`)
  }
})

t.test('no message 1 within handshake_timeout → 4408, and no frame before it', async (t) => {
  const f = await fixture(t, { limits: { handshake_timeout: 1 } })
  const started = Date.now()
  const observer = await connect(f)
  await closedWith(t, observer, CLOSES.handshakeTimeout)
  const elapsed = Date.now() - started
  t.ok(elapsed >= 950 && elapsed < 2500, `closed after ${elapsed} ms`)
})

t.test('nothing after a failed message 1 is processed', async (t) => {
  const f = await fixture(t)
  const observer = await connect(f)
  observer.ws.send(new Uint8Array(100))
  observer.ws.send(clientHandshake(f).writeMessage(encodeJson(CLIENT_PAYLOAD)))
  await closedWith(t, observer, CLOSES.handshakeFailed)
  t.equal(f.audit.filter((a) => a.event === 'session.open').length, 0)
})

/** Message 1 built token by token (Noise §5.3, §9.2) around a chosen e.public_key. */
function message1With(f: Fixture, e: Uint8Array): Uint8Array {
  const ss = new SymmetricState()
  ss.mixHash(sessionPrologue(f.clientId, f.ctx.identity.deviceId))
  ss.mixKeyAndHash(f.pairingKey)
  ss.mixHash(e)
  ss.mixKey(e)
  return concatBytes(e, ss.encryptAndHash(encodeJson(CLIENT_PAYLOAD)))
}

t.test('a low-order client e (all-zero ee) → 4401 (§7.3 reject-zero-dh)', async (t) => {
  const f = await fixture(t)
  const u = (first: number) => new Uint8Array(SIZES.x25519Key).map((_, i) => (i === 0 ? first : 0))
  const genuine = await connect(f)
  genuine.ws.send(message1With(f, u(9)))
  const frame = await genuine.frame(0)
  t.ok(frame?.isBinary, 'the hand-built message 1 is answered for an ordinary e (u = 9)')
  // u = 0 and u = 1 are points of small order on Curve25519 (RFC 7748 §5, Noise §12.1).
  for (const lowOrder of [u(0), u(1)]) {
    const observer = await connect(f)
    observer.ws.send(message1With(f, lowOrder))
    await closedWith(t, observer, CLOSES.handshakeFailed, `u = ${lowOrder[0]}`)
  }
})

t.test('a corrupt stored pairing key is a device bug: logged, 4500 internal-error', async (t) => {
  const f = await fixture(t)
  const record = (await f.store.getClient(f.clientId))!
  await f.store.putClient({ ...record, pairing_key: 'not base64url!' })
  const observer = await connect(f)
  observer.ws.send(clientHandshake(f).writeMessage(encodeJson(CLIENT_PAYLOAD)))
  await closedWith(t, observer, CLOSES.internalError)
  t.match(f.logs.filter((l) => l.level === 'error'), [{ event: 'session.internal-error' }])
  t.notMatch(JSON.stringify(f.logs), record.pairing_key, 'the key is never logged')
})
