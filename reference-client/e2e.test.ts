import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import { CLOSES, METHODS, PROBLEMS, problemType } from '../protocol/registry.ts'
import { createDevice } from '../reference-server/device.ts'
import type { FaultName } from '../reference-server/faults.ts'
import { EXIT, main } from './cli.ts'
import { connect } from './connect.ts'
import { ClientError } from './errors.ts'
import { pair } from './pair.ts'
import { signedCall, unpair } from './signed.ts'

async function startDevice(t: { teardown(fn: () => unknown): void }, faults: FaultName[] = []) {
  const logStream = new Writable({ write: (_chunk, _encoding, done) => done() })
  const device = await createDevice({
    host: '127.0.0.1',
    port: 0,
    store: 'memory',
    stateDir: null,
    testHooks: true,
    faults,
    logStream,
  })
  t.teardown(() => device.close())
  return device
}

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise
  } catch (error) {
    return error as ClientError
  }
  throw new Error('expected a failure')
}

t.test('pair, session, notification, signed HTTP, unpair: the reference device', async (t) => {
  const device = await startDevice(t)
  const { pin } = await device.openPairingWindow()
  const credentials = await pair({ url: device.url, pin, name: 'e2e client' })
  t.equal(credentials.device_id, device.deviceId)

  const heard: unknown[] = []
  const onNotification = (method: string, params: unknown) => heard.push({ method, params })
  const session = await connect(credentials, { onNotification })
  t.same(await session.call(METHODS.echo, { hello: ['world'] }), { hello: ['world'] })
  t.match(await session.call(METHODS.deviceInfo), { device_id: device.deviceId })
  t.equal(device.ctx.sessions.notifyClient(credentials.client_id, 'device.changed', { n: 1 }), 1)
  await session.call(METHODS.echo, [])
  t.same(heard, [{ method: 'device.changed', params: { n: 1 } }])

  t.same(await signedCall(credentials, METHODS.echo, { via: 'http' }), { via: 'http' })
  t.same(await signedCall(credentials, METHODS.echo, [1], { alg: 'hmac-sha256' }), [1])

  await unpair(credentials)
  const revoked = { code: CLOSES.clientRevoked.code, reason: CLOSES.clientRevoked.reason }
  t.same(await session.closed, revoked, 'the live session is closed with client-revoked')
  t.match(await failure(session.call(METHODS.echo, {})), { kind: 'close', close: revoked })
  const later = await failure(connect(credentials))
  t.equal(later.kind, 'problem')
  t.same(later.problem, { type: problemType(PROBLEMS.unknownKey), title: PROBLEMS.unknownKey.title,
    status: PROBLEMS.unknownKey.status })
})

t.test('the reference device refuses a wrong PIN and a closed window', async (t) => {
  const device = await startDevice(t)
  const { pin } = await device.openPairingWindow()
  const wrong = pin === '135792' ? '135793' : '135792'
  const refused = await failure(pair({ url: device.url, pin: wrong, name: 'guesser' }))
  t.equal(refused.problem?.type, problemType(PROBLEMS.confirmationFailed))
  t.equal(refused.problem?.attempts_remaining, 2)
  await pair({ url: device.url, pin, name: 'owner' })
  const closed = await failure(pair({ url: device.url, pin, name: 'late' }))
  t.equal(closed.problem?.type, problemType(PROBLEMS.pairingWindowClosed))
})

t.test('a device that speaks in clear before message 2 fails the client handshake', async (t) => {
  const device = await startDevice(t, ['notify-before-handshake'])
  const { pin } = await device.openPairingWindow()
  const credentials = await pair({ url: device.url, pin, name: 'x' })
  const heard: string[] = []
  const error = await failure(connect(credentials, { onNotification: (m) => void heard.push(m) }))
  t.match(error, { kind: 'device-verification', what: 'noise-message-2' })
  t.same(heard, [], 'the cleartext notification is never delivered')
})

t.test('the CLI pairs and calls against the reference device', async (t) => {
  const device = await startDevice(t)
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-e2e-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'credentials.json')
  const lines: string[] = []
  const print = (line: string) => void lines.push(line)
  const output = { stdout: print, stderr: print }
  const { pin } = await device.openPairingWindow()
  const pairing = ['pair', '--url', device.url, '--pin', pin, '--credentials', file]
  t.equal(await main(pairing, output), EXIT.ok)
  t.equal((await stat(file)).mode & 0o777, 0o600)
  t.match(JSON.parse(lines.pop()!), { device_id: device.deviceId })
  const call = ['call', '--credentials', file, '--method', METHODS.echo, '--params', '{"n":1}']
  t.equal(await main(call, output), EXIT.ok)
  t.same(JSON.parse(lines.pop()!), { jsonrpc: '2.0', id: 1, result: { n: 1 } })
  t.equal(await main(['unpair', '--credentials', file], output), EXIT.ok)
  lines.pop()
  t.equal(await main(call, output), EXIT.refused)
  const expected = { problem: problemType(PROBLEMS.unknownKey), close_code: null }
  t.match(JSON.parse(lines.pop()!), { error: expected })
})
