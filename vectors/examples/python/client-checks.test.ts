/**
 * Every client check of the Python adapter (pairwire_client.py) fires: a scripted device
 * (scripted-device.ts, protocol/ only) breaks one rule per case, and the adapter must end with
 * the exit code of spec §12.3, the close code of spec §7.9 on the wire, and no credentials file.
 * A control case pairs and calls with the same device, so a failure below is the rule's, not the
 * device's. Four cases run at a time, each with its own device. Needs Python 3 with
 * `cryptography`.
 */
import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { defaultBackend as backend } from '../../../protocol/crypto/index.ts'
import { base64urlEncode, utf8Encode } from '../../../protocol/encoding.ts'
import { clientIdOf, deviceIdOf } from '../../../protocol/ids.ts'
import { PATHS } from '../../../protocol/registry.ts'
import { encodeShare, N, passwordScalar } from '../../../protocol/spake2/index.ts'
import {
  SCRIPTED_PIN,
  startScriptedDevice,
  type Script,
  type SessionPeer,
} from './scripted-device.ts'

const ADAPTER = join(dirname(fileURLToPath(import.meta.url)), 'pairwire_client.py')
const python = ['python3', '/usr/bin/python3'].find(
  (candidate) => spawnSync(candidate, ['-c', 'import cryptography']).status === 0,
)
type Json = Record<string, unknown>
interface Outcome {
  code: number
  stdout: string
  error: { problem: string | null; close_code: number | null; message: string } | null
}

function adapter(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(python!, [ADAPTER, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ code, stdout, error: stderr.trim() === '' ? null : JSON.parse(stderr).error })
    })
  })
}

/** At most `width` cases at once: enough to overlap their waits, few enough for 2 cores. */
async function pooled<T, R>(items: readonly T[], width: number, run: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await run(items[i]!)
  }
  await Promise.all(Array.from({ length: width }, worker))
  return results
}

const flip = (text: string): string => {
  const bytes = Buffer.from(text, 'base64url')
  bytes[bytes.length - 1]! ^= 0x01
  return base64urlEncode(bytes)
}
const otherId = (prefix: 'client' | 'device') => {
  const key = backend.ed25519PublicKey(backend.randomBytes(32))
  return prefix === 'client' ? clientIdOf(key) : deviceIdOf(key)
}
const send = (peer: SessionPeer, message: object) =>
  peer.ws.send(peer.transport.seal(utf8Encode(JSON.stringify(message))))
const reply = async (peer: SessionPeer, id = 1) => {
  const request = JSON.parse(await peer.nextPlaintext()) as Json
  return { jsonrpc: '2.0', id, result: request.params }
}

/** Pairing scripts: each must end in exit 2 with nothing stored (spec §5.9, §12.3). */
const PAIRING: [string, Script, RegExp][] = [
  ['discovery without version 1 (pw-disc-4.4-client-version-check)',
    { discovery: (d) => ({ ...d, versions: [2] }) }, /version 1/],
  ['discovery device_id of another key (pw-keys-3.2-verify-id)',
    { discovery: (d) => ({ ...d, device_id: otherId('device') }) }, /device_id/],
  ['discovery with an unknown member', { discovery: (d) => ({ ...d, extra: 1 }) }, /discovery/],
  ['discovery over 65536 bytes', { discovery: (d) => JSON.stringify(d) + ' '.repeat(65536) },
    /larger than 65536/],
  ['discovery pin_ttl (120) above its max_pin_ttl (100), a cross-limit range (§4.4)', {
    discovery: (d) => ({ ...d, limits: { ...(d.limits as Json), max_pin_ttl: 100 } }) },
  /pin_ttl/],
  ['pair/start device_key other than discovery\'s', {
    pairStart: (a) => ({ ...a, device_key: base64urlEncode(backend.randomBytes(32)) }) },
  /device_key differs/],
  ['pB off the curve (pw-pair-5.9-client-checks-pb)',
    { pairStart: (a) => ({ ...a, pB: flip(a.pB as string) }) }, /pB is not a valid/],
  ['pB = w·N, so K is the identity (pw-pair-5.9-client-checks-pb)', {
    pairStart: (a) => ({ ...a,
      pB: base64urlEncode(encodeShare(N.multiply(passwordScalar(SCRIPTED_PIN).w))) }) },
  /K is the identity/],
  ['cB that does not verify (pw-pair-5.9-client-verifies-cb)',
    { pairFinish: (a) => ({ ...a, cB: flip(a.cB as string) }) }, /cB did not verify/],
  ['client_id of another key', { pairFinish: (a) => ({ ...a, client_id: otherId('client') }) },
    /client_id/],
  ['device_id of another key', { pairFinish: (a) => ({ ...a, device_id: otherId('device') }) },
    /device_id/],
  ['pair/finish with an unknown member', { pairFinish: (a) => ({ ...a, extra: true }) },
    /pair\/finish answer/],
]

interface SessionCase {
  readonly name: string
  readonly script: Script
  readonly exit: number
  /** The close code the client sends on the session; undefined: not judged. */
  readonly noTicket?: boolean
  readonly noUpgrade?: boolean
  readonly clientClose?: number
  readonly closeCode?: number | null
  readonly params?: string
  readonly stdout?: object
}

const afterMessage2 = (act: (peer: SessionPeer) => unknown) => async (peer: SessionPeer) => {
  peer.ws.send(peer.message2)
  act(peer)
}
const afterRequest = (act: (peer: SessionPeer) => unknown) => async (peer: SessionPeer) => {
  peer.ws.send(peer.message2)
  await peer.nextPlaintext()
  act(peer)
}
const echoAfter = (before: (peer: SessionPeer) => void) => async (peer: SessionPeer) => {
  peer.ws.send(peer.message2)
  const answer = await reply(peer)
  before(peer)
  send(peer, answer)
}

/** Session scripts (spec §7.4 - §7.9); the adapter's frame checks in the order of §7.5. */
const SESSIONS: SessionCase[] = [
  { name: 'control: the scripted device echoes', script: {}, exit: 0, clientClose: 1000,
    stdout: { jsonrpc: '2.0', id: 1, result: { n: 1 } } },
  { name: 'discovery names another device_key than the paired one (§4.4)', exit: 2, noTicket: true,
    script: { discovery: (d) => ({ ...d, device_key: base64urlEncode(backend.randomBytes(32)),
    }) } },
  { name: 'a ticket that expired 10 minutes ago is not presented (§6.6)', exit: 2,
    noUpgrade: true,
    script: { ticket: (a) => ({ ...a, expires_at: Math.floor(Date.now() / 1000) - 600 }) } },
  { name: 'message 2 altered (pw-sess-7.4-client-verifies-message-2)', exit: 2, clientClose: 4401,
    script: { session: async (p) => {
      const m = Buffer.from(p.message2)
      m[40]! ^= 1
      p.ws.send(m)
    } } },
  { name: 'message 2 payload with v 2', exit: 2, clientClose: 4401,
    script: { message2Payload: (payload) => ({ ...payload, v: 2 }) } },
  { name: 'message 2 payload with an unknown member', exit: 2, clientClose: 4401,
    script: { message2Payload: (payload) => ({ ...payload, extra: 1 }) } },
  { name: 'message 2 payload with json_seq false: true or absent (§7.4)', exit: 2,
    clientClose: 4401, script: { message2Payload: (payload) => ({ ...payload, json_seq: false }) } },
  { name: 'message 2 as a text message', exit: 2, clientClose: 4400,
    script: { session: async (p) => p.ws.send(Buffer.from(p.message2).toString('latin1')) } },
  { name: 'a replayed transport frame (pw-sess-7.5-auth-failure)', exit: 2, clientClose: 4422,
    script: { session: async (p) => {
      p.ws.send(p.message2)
      const answer = await reply(p)
      const notification = p.transport.seal(utf8Encode('{"jsonrpc":"2.0","method":"twice"}'))
      p.ws.send(notification.slice())
      p.ws.send(notification)
      send(p, answer)
    } } },
  { name: 'a frame after a dropped one', exit: 2, clientClose: 4422,
    script: { session: async (p) => {
      p.ws.send(p.message2)
      const answer = await reply(p)
      p.transport.seal(utf8Encode('{"jsonrpc":"2.0","method":"dropped"}'))
      send(p, answer)
    } } },
  { name: 'a bit-flipped response', exit: 2, clientClose: 4422,
    script: { session: async (p) => {
      p.ws.send(p.message2)
      const frame = p.transport.seal(utf8Encode(JSON.stringify(await reply(p))))
      frame[frame.length - 1]! ^= 0x80
      p.ws.send(frame)
    } } },
  { name: 'a text message after message 2 (not valid UTF-8 either)', exit: 2, clientClose: 4400,
    script: { session: afterRequest((p) => p.socket.write(Buffer.from([0x81, 2, 0xc3, 0x28]))) } },
  { name: 'a binary message shorter than a tag', exit: 2, clientClose: 4400,
    script: { session: afterRequest((p) => p.ws.send(Buffer.alloc(10))) } },
  { name: 'a header announcing 70000 bytes: refused before any payload (4413)', exit: 2,
    clientClose: 4413, script: { session: afterRequest((p) => p.socket.write(
      Buffer.from([0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]))) } },
  { name: 'a masked frame from the device (RFC 6455 §5.1)', exit: 2, clientClose: 1002,
    script: { session: afterRequest((p) => p.socket.write(Buffer.from([0x82, 0x81, 1, 2, 3, 4, 5])))
    } },
  { name: 'Ping answered with its payload; fragments with a Ping between them', exit: 0,
    clientClose: 1000, stdout: { jsonrpc: '2.0', id: 1, result: { n: 1 } },
    script: { session: async (p) => {
      p.ws.send(p.message2)
      const frame = p.transport.seal(utf8Encode(JSON.stringify(await reply(p))))
      const pong = new Promise<Buffer>((resolve) => p.ws.once('pong', resolve))
      p.ws.ping('pw-ping')
      if ((await pong).toString() !== 'pw-ping') return
      p.ws.send(frame.subarray(0, 20), { binary: true, fin: false })
      p.ws.ping('between')
      p.ws.send(frame.subarray(20), { binary: true, fin: true })
    } } },
  { name: 'notifications, another id and a non-RPC plaintext are ignored (§7.6)', exit: 0,
    clientClose: 1000, stdout: { jsonrpc: '2.0', id: 1, result: { n: 1 } },
    script: { session: echoAfter((p) => {
      send(p, { jsonrpc: '2.0', method: 'device.changed', params: [1] })
      send(p, { jsonrpc: '2.0', id: 7, result: 'not yours' })
      send(p, { something: 'else' })
    }) } },
  { name: 'the device closes 4403', exit: 1, closeCode: 4403,
    script: { session: afterMessage2((p) => p.ws.close(4403, 'client-revoked')) } },
  { name: 'the device closes without a code: 1005', exit: 1, closeCode: 1005,
    script: { session: afterMessage2((p) => p.ws.close()) } },
  { name: 'the connection drops without a Close', exit: 3, closeCode: null,
    script: { session: afterMessage2((p) => p.socket.destroy()) } },
  { name: 'no message 2: a timeout, closed 1000 (§7.4)', exit: 3, clientClose: 1000,
    script: { session: async () => {} } },
  { name: 'a request over the device\'s max_frame is not sent (pw-sess-7.5-respect-peer-max)',
    exit: 3, clientClose: 1000, params: JSON.stringify({ pad: 'x'.repeat(1100) }),
    script: { message2Payload: (payload) => ({ ...payload, max_frame: 1024 }) } },
]

async function pairingCase(script: Script) {
  const device = await startScriptedDevice(script)
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-python-'))
  try {
    const run = await adapter(['pair', '--url', device.url, '--pin', SCRIPTED_PIN,
      '--credentials', join(dir, 'credentials.json')])
    return { run, stored: await readdir(dir), paths: device.requests.map((r) => r.path) }
  } finally {
    await device.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function sessionCase(c: SessionCase) {
  const device = await startScriptedDevice(c.script)
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-python-'))
  try {
    const seed = backend.randomBytes(32)
    const clientId = clientIdOf(backend.ed25519PublicKey(seed))
    const pairingKey = backend.randomBytes(32)
    device.pairClient(clientId, pairingKey)
    const file = join(dir, 'credentials.json')
    await writeFile(file, JSON.stringify({ v: 1, url: device.url, device_id: device.deviceId,
      device_key: base64urlEncode(device.deviceKey), client_id: clientId,
      client_seed: base64urlEncode(seed), pairing_key: base64urlEncode(pairingKey),
      name: 'scripted', paired_at: 0 }), { mode: 0o600 })
    const run = await adapter(['call', '--credentials', file, '--method', 'pairwire.echo',
      '--params', c.params ?? '{"n":1}', '--timeout', '3'])
    const clientClose = await Promise.race([device.clientClose,
      new Promise<undefined>((resolve) => setTimeout(resolve, 1500))])
    return { run, clientClose, requests: device.requests }
  } finally {
    await device.close()
    await rm(dir, { recursive: true, force: true })
  }
}

if (python === undefined) {
  t.fail('no python3 that can import cryptography: install python3-cryptography')
} else {
  t.test('pairing: a device failing a client check gets exit 2, nothing stored', async (t) => {
    const control = pairingCase({})
    const results = await pooled(PAIRING, 4, ([, script]) => pairingCase(script))
    const ok = await control
    t.equal(ok.run.code, 0, `control: ${JSON.stringify(ok.run.error)}`)
    t.same(ok.stored, ['credentials.json'])
    PAIRING.forEach(([name, , message], i) => {
      const { run, stored, paths } = results[i]!
      t.equal(run.code, 2, `${name}: exit 2 (${JSON.stringify(run.error)})`)
      t.match(run.error, { problem: null, close_code: null, message }, `${name}: why`)
      t.same(stored, [], `${name}: no credentials file`)
      if (/^discovery/.test(name)) t.notOk(paths.includes(PATHS.pairStart), `${name}: no start`)
      if (/^pB/.test(name)) t.notOk(paths.includes(PATHS.pairFinish), `${name}: no pair/finish`)
    })
  })

  t.test('sessions: every frame check, in the order of spec §7.5', async (t) => {
    const results = await pooled(SESSIONS, 4, sessionCase)
    SESSIONS.forEach((c, i) => {
      const { run, clientClose } = results[i]!
      t.equal(run.code, c.exit, `${c.name}: exit ${c.exit} (${JSON.stringify(run.error)})`)
      if (c.clientClose !== undefined) t.equal(clientClose?.code, c.clientClose, `${c.name}: close`)
      if (c.closeCode !== undefined) t.equal(run.error?.close_code, c.closeCode, `${c.name}: code`)
      const paths = results[i]!.requests.map((r) => r.path)
      if (c.noTicket === true) t.notOk(paths.includes(PATHS.tickets), `${c.name}: no ticket asked`)
      if (c.noUpgrade === true) t.notOk(paths.includes(PATHS.websocket), `${c.name}: no upgrade`)
      if (c.stdout !== undefined) t.same(JSON.parse(run.stdout), c.stdout, `${c.name}: stdout`)
      else t.equal(run.stdout, '', `${c.name}: nothing on stdout`)
    })
    // Spec §8.2: the control case's ticket request: exact components, nonce, created from now.
    const signed = results[0]!.requests.filter((r) => r.path === PATHS.tickets)
    t.equal(signed.length, 1)
    t.match(signed[0]!.headers['signature-input'],
      new RegExp('^pw=\\("@method" "@target-uri" "content-digest"\\);created=\\d+;' +
        'nonce="[A-Za-z0-9_-]{21}[AQgw]";keyid="pwc_[^"]+";alg="ed25519"$'))
    const input = signed[0]!.headers['signature-input'] as string
    const created = Number(/created=(\d+)/.exec(input)![1])
    t.ok(Math.abs(created - signed[0]!.at) < 2, 'created is the client clock (spec §8.2)')
  })
}
