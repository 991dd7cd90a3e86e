/**
 * The Python client adapter (pairwire_client.py, spec §12.3) against the reference device on a
 * loopback port, with test-control on (spec §12.2) for PINs: the adapter is run as the harness
 * runs one, as a separate process speaking only the wire, and judged by exit code, stdout/stderr
 * object and credentials file. Two fault switches of the reference device make it fail the
 * client's checks, so exit 2 is shown to be reachable, not just declared. Needs a Python 3 with
 * `cryptography`; without one the test fails (CI installs python3-cryptography), never skips.
 */
import { execFile, spawnSync } from 'node:child_process'
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { CLOSES, METHODS, PATHS, PROBLEMS, problemType } from '../../../protocol/registry.ts'
import { createDevice } from '../../../reference-server/device.ts'
import type { FaultName } from '../../../reference-server/faults.ts'

const ADAPTER = join(dirname(fileURLToPath(import.meta.url)), 'pairwire_client.py')
const CANDIDATES = ['python3', '/usr/bin/python3']
const ID = /^pw[dc]_[A-Za-z0-9_-]{21}[AQgw]$/

interface Run {
  readonly code: number
  readonly stdout: unknown
  readonly stderr: { error: { problem: string | null; close_code: number | null; message: string } }
}

const python = CANDIDATES.find(
  (candidate) => spawnSync(candidate, ['-c', 'import cryptography']).status === 0,
)

/** Runs the adapter without blocking the event loop (the device runs in this process). */
function adapter(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(python!, [ADAPTER, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      const parse = (text: string) => (text.trim() === '' ? null : JSON.parse(text))
      resolve({ code, stdout: parse(stdout), stderr: parse(stderr) })
    })
  })
}

async function startDevice(t: Tap, faults: FaultName[] = []) {
  const logStream = new Writable({ write: (_chunk, _encoding, done) => done() })
  const device = await createDevice({
    host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, testHooks: true, faults, logStream,
  })
  t.teardown(() => device.close())
  return device
}

type Tap = { teardown(fn: () => unknown): void; testdir?: unknown }

/** Spec §12.2: a fresh pairing window's PIN from the test-control endpoint. */
async function testPin(url: string): Promise<string> {
  const answer = await fetch(new URL(PATHS.testPin, url), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"v":1}',
  })
  return ((await answer.json()) as { pin: string }).pin
}

const otherPin = (pin: string): string => (pin === '135792' ? '135793' : '135792')

async function scratch(t: Tap): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-python-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

if (python === undefined) {
  t.fail(`none of ${CANDIDATES.join(', ')} can import cryptography: ` +
    'install python3-cryptography (apt) or `pip install cryptography`')
} else {
  adapterTests()
}

function adapterTests(): void {
t.test('pair, call with both algorithms, unpair, then a refused call', async (t) => {
  const device = await startDevice(t)
  const file = join(await scratch(t), 'credentials.json')
  const paired = await adapter(['pair', '--url', device.url, '--pin', await testPin(device.url),
    '--credentials', file])
  t.equal(paired.code, 0, JSON.stringify(paired.stderr))
  const { client_id: clientId, device_id: deviceId } = paired.stdout as Record<string, string>
  t.same(Object.keys(paired.stdout as object).sort(), ['client_id', 'device_id'])
  t.equal(deviceId, device.deviceId)
  t.match(clientId, ID)
  t.equal((await stat(file)).mode & 0o777, 0o600, 'pw-test-12.3-credentials-file: mode 0600')

  // Independent sessions, run at once: each gets its own ticket, nonce and Noise keys.
  const echo = (alg: string) => adapter(['call', '--credentials', file, '--method', METHODS.echo,
    '--params', `{"alg":"${alg}","n":[1,2]}`, '--alg', alg])
  const unknownMethod = adapter(['call', '--credentials', file, '--method', 'no.such',
    '--params', '[]'])
  const [ed25519, hmac, unknown] = await Promise.all([echo('ed25519'), echo('hmac-sha256'),
    unknownMethod])
  for (const [alg, call] of [['ed25519', ed25519], ['hmac-sha256', hmac]] as const) {
    t.equal(call.code, 0, `${alg}: ${JSON.stringify(call.stderr)}`)
    t.same(call.stdout, { jsonrpc: '2.0', id: 1, result: { alg, n: [1, 2] } })
  }
  for (const alg of ['ed25519', 'hmac-sha256']) {
    const signed = await adapter(['signed-call', '--credentials', file, '--method', METHODS.echo,
      '--params', '[true]', '--alg', alg])
    t.equal(signed.code, 0, `signed-call ${alg}: ${JSON.stringify(signed.stderr)}`)
    t.same(signed.stdout, { jsonrpc: '2.0', id: 1, result: [true] })
  }
  t.equal(unknown.code, 0, 'a JSON-RPC error response is a response: printed, exit 0')
  t.match(unknown.stdout, { id: 1, error: { code: -32601 } })

  const unpaired = await adapter(['unpair', '--credentials', file, '--alg', 'hmac-sha256'])
  t.equal(unpaired.code, 0, JSON.stringify(unpaired.stderr))
  t.same(unpaired.stdout, { client_id: clientId })
  const after = await adapter(['call', '--credentials', file, '--method', METHODS.echo,
    '--params', '{}'])
  t.equal(after.code, 1)
  t.same(after.stderr.error.problem, problemType(PROBLEMS.unknownKey))
  t.equal(after.stderr.error.close_code, null)
})

t.test('a wrong PIN: exit 1, confirmation-failed, and no credentials file', async (t) => {
  const device = await startDevice(t)
  const dir = await scratch(t)
  const pin = otherPin(await testPin(device.url))
  const run = await adapter(['pair', '--url', device.url, '--pin', pin, '--credentials',
    join(dir, 'credentials.json')])
  t.equal(run.code, 1)
  t.same(run.stderr.error, { problem: problemType(PROBLEMS.confirmationFailed), close_code: null,
    message: run.stderr.error.message })
  t.equal(run.stdout, null)
  t.same(await readdir(dir), [], 'pw-pair-5.9-client-verifies-cb: nothing stored')
})

t.test('a device that reveals cB for a wrong PIN fails the cB check: exit 2, nothing stored',
  async (t) => {
    const device = await startDevice(t, ['reveal-cb-before-ca'])
    const dir = await scratch(t)
    const pin = otherPin(await testPin(device.url))
    const run = await adapter(['pair', '--url', device.url, '--pin', pin, '--credentials',
      join(dir, 'credentials.json')])
    t.equal(run.code, 2, JSON.stringify(run.stderr))
    t.match(run.stderr.error, { problem: null, close_code: null, message: /cB did not verify/ })
    t.same(await readdir(dir), [])
  })

t.test('a device that speaks before Noise message 2 fails the handshake check: exit 2',
  async (t) => {
    const device = await startDevice(t, ['notify-before-handshake'])
    const file = join(await scratch(t), 'credentials.json')
    const pin = await testPin(device.url)
    t.equal((await adapter(['pair', '--url', device.url, '--pin', pin, '--credentials', file]))
      .code, 0)
    const run = await adapter(['call', '--credentials', file, '--method', METHODS.echo,
      '--params', '{}'])
    t.equal(run.code, 2, JSON.stringify(run.stderr))
    t.match(run.stderr.error, { close_code: null, message: /Noise message 2.*4401/ })
  })

t.test('a session the device closes: exit 1 with its close code', async (t) => {
  const device = await startDevice(t)
  const file = join(await scratch(t), 'credentials.json')
  const pin = await testPin(device.url)
  t.equal((await adapter(['pair', '--url', device.url, '--pin', pin, '--credentials', file]))
    .code, 0)
  // Another pairing key: the ticket is still signed with the right Ed25519 key, but message 1
  // fails at the device (spec §7.4), which closes 4401 handshake-failed.
  const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  stored.pairing_key = 'A'.repeat(42) + 'A'
  await writeFile(file, JSON.stringify(stored))
  await chmod(file, 0o600)
  const run = await adapter(['call', '--credentials', file, '--method', METHODS.echo,
    '--params', '{}'])
  t.equal(run.code, 1, JSON.stringify(run.stderr))
  t.same(run.stderr.error.close_code, CLOSES.handshakeFailed.code)
  t.equal(run.stderr.error.problem, null)
})

t.test('usage and I/O errors: exit 3', async (t) => {
  const dir = await scratch(t)
  const file = join(dir, 'credentials.json')
  const [unreachable, missingFile, shortPin, missingArguments] = await Promise.all([
    adapter(['pair', '--url', `http://127.0.0.1:${await closedPort()}`, '--pin', '135792',
      '--credentials', file]),
    adapter(['call', '--credentials', file, '--method', 'm', '--params', '{}']),
    adapter(['pair', '--url', 'http://127.0.0.1:1', '--pin', '12345', '--credentials', file]),
    adapter(['call', '--method', 'm']),
  ])
  t.equal(unreachable.code, 3, 'device unreachable')
  t.match(unreachable.stderr.error, { problem: null, close_code: null, message: /reached/ })
  t.equal(missingFile.code, 3, 'credentials that do not exist')
  t.equal(shortPin.code, 3, 'a PIN that is not six digits')
  t.equal(missingArguments.code, 3, 'missing arguments')
  t.same(await readdir(dir), [])
})
}
