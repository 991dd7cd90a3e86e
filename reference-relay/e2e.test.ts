/**
 * End to end through the reference relay (spec §15): a device process that holds its slot with
 * `pairwire-server --relay` and a client that reaches it only through the relay pair with the PIN
 * and echo over a Noise session; an impostor claiming the device's id is refused 4406; killing the
 * device gives the client's live session 4407 device-gone once the grace window has passed, and a
 * client that arrives afterwards 4404 device-not-connected after its own grace window.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import WebSocket from 'ws'
import { nobleBackend } from '../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../protocol/encoding.ts'
import { relayEndpointUrl, signClaim } from '../protocol/relay.ts'
import { CLOSES, METHODS, PATHS } from '../protocol/registry.ts'
import { EXIT, main } from '../reference-client/cli.ts'
import { connect } from '../reference-client/connect.ts'
import { ClientError } from '../reference-client/errors.ts'
import { pair } from '../reference-client/pair.ts'
import { checkRelayedDevice, relayTransport } from '../reference-client/relay.ts'
import { createRelay } from './relay.ts'

const SERVER_CLI = new URL('../reference-server/cli.ts', import.meta.url).pathname
const GRACE_S = 1
const quiet = () => new Writable({ write: (_chunk, _encoding, done) => done() })

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-relay-e2e-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** `pairwire-server --relay URL --pair`: its device_id and PIN once the relay holds the slot. */
async function startRelayedDevice(t: Test, relayUrl: string) {
  const args = ['--import', 'tsx', SERVER_CLI, '--port', '0', '--state-dir', tempDir(t), '--relay', relayUrl, '--pair']
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] })
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.teardown(() => {
    process.off('exit', kill)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    return exited
  })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const listening = JSON.parse((await lines.next()).value) as { event: string; device_id: string; relay: string }
  const window = JSON.parse((await lines.next()).value) as { pin: string }
  return { deviceId: listening.device_id, relay: listening.relay, pin: window.pin, kill: () => (kill(), exited) }
}

/** An impostor's device link: claims `deviceId` with another key; resolves with the close code. */
function impostorClaim(relayUrl: string, deviceId: string, keyOfOwnId: boolean): Promise<number> {
  const seed = nobleBackend.sha256(new TextEncoder().encode('impostor'))
  const ws = new WebSocket(relayEndpointUrl(relayUrl, PATHS.relayDevice, deviceId))
  return new Promise((resolve) => {
    ws.once('message', (data) => {
      const challenge = base64urlDecode((JSON.parse(String(data)) as { challenge: string }).challenge)
      const host = new URL(relayUrl).host
      // Signed over the victim's id with the impostor's key, or (keyOfOwnId) a valid signature by
      // the impostor's key over its message: either way the key is not the key of deviceId.
      const signature = signClaim(seed, host, challenge, deviceId, nobleBackend)
      const claim = { v: 1, type: 'claim', device_key: base64urlEncode(nobleBackend.ed25519PublicKey(seed)), signature: base64urlEncode(keyOfOwnId ? signature : new Uint8Array(64)) }
      ws.send(JSON.stringify(claim))
    })
    ws.once('close', (code) => resolve(code))
  })
}

t.test('pair and echo through the relay, impostors refused, device loss reported after grace', async (t) => {
  const relay = await createRelay({ host: '127.0.0.1', port: 0, limits: { grace: GRACE_S }, logStream: quiet() })
  t.teardown(() => relay.close())
  const device = await startRelayedDevice(t, relay.url)
  t.equal(device.relay, relay.url)

  const transport = relayTransport(relay.url, device.deviceId)
  t.teardown(() => transport.close())
  await checkRelayedDevice(transport)
  const credentials = await pair({ url: transport.origin, pin: device.pin, name: 'relayed client', fetch: transport.fetch })
  t.equal(credentials.device_id, device.deviceId, 'paired with the device asked for')
  const session = await connect(credentials, { fetch: transport.fetch, socketFactory: transport.socketFactory })
  t.same(await session.call(METHODS.echo, { through: 'relay' }), { through: 'relay' }, 'echo over the encrypted session')

  t.equal(await impostorClaim(relay.url, device.deviceId, true), CLOSES.claimRefused.code, 'another key claiming the id: 4406')
  t.equal(await impostorClaim(relay.url, device.deviceId, false), CLOSES.claimRefused.code, 'a garbage signature: 4406')
  t.same(await session.call(METHODS.echo, [1]), [1], 'the real device still holds its slot')

  const killedAt = Date.now()
  await device.kill()
  const closed = await session.closed
  const waited = Date.now() - killedAt
  t.same(closed, { code: CLOSES.deviceGone.code, reason: CLOSES.deviceGone.reason }, 'the session sees 4407 device-gone')
  t.ok(waited >= GRACE_S * 1000 - 100, `not before the grace window (${waited} ms)`)

  const late = relayTransport(relay.url, device.deviceId)
  t.teardown(() => late.close())
  const arrivedAt = Date.now()
  const error = await checkRelayedDevice(late).then(() => null, (e: unknown) => e)
  t.ok(error instanceof ClientError, 'a late client fails')
  t.same((error as ClientError).close, { code: CLOSES.deviceNotConnected.code, reason: CLOSES.deviceNotConnected.reason }, '4404 device-not-connected')
  t.ok(Date.now() - arrivedAt >= GRACE_S * 1000 - 100, 'after its own grace window')
})

t.test('the client CLI pairs and calls through the relay with --relay and --device', async (t) => {
  const relay = await createRelay({ host: '127.0.0.1', port: 0, limits: { grace: GRACE_S }, logStream: quiet() })
  t.teardown(() => relay.close())
  const device = await startRelayedDevice(t, relay.url)
  const file = join(tempDir(t), 'credentials.json')
  const lines: string[] = []
  const output = { stdout: (line: string) => void lines.push(line), stderr: (line: string) => void lines.push(line) }
  const pairing = ['pair', '--relay', relay.url, '--device', device.deviceId, '--pin', device.pin, '--credentials', file]
  t.equal(await main(pairing, output), EXIT.ok, lines.at(-1) ?? "")
  t.match(JSON.parse(lines.pop()!), { device_id: device.deviceId })
  const call = ['call', '--relay', relay.url, '--credentials', file, '--method', METHODS.echo, '--params', '{"n":1}']
  t.equal(await main(call, output), EXIT.ok, lines.at(-1) ?? "")
  t.same(JSON.parse(lines.pop()!), { jsonrpc: '2.0', id: 1, result: { n: 1 } })
  // §15.5: plaintext signed RPC is refused on relayed streams.
  const signed = ['signed-call', '--relay', relay.url, '--credentials', file, '--method', METHODS.echo]
  t.equal(await main(signed, output), EXIT.refused)
  t.match(JSON.parse(lines.pop()!), { error: { problem: 'urn:pairwire:error:not-found' } })
})
