/**
 * `pairwire-client --profile zaparoo-v1 pair|call` end to end against the zaparoo-v1 emulator
 * (test-support/zaparoo-emulator): the PIN comes from the emulator's --pin-command, the
 * credentials file is written with mode 0600 and holds the profile's keys, `version` answers
 * over the encrypted WebSocket, and every refusal (wrong PIN, an unknown token, no PIN) is a
 * non-zero exit with the device's own answer on stderr and no file written.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startEmulator } from '../test-support/zaparoo-emulator/emulator.ts'
import type { Fault } from '../test-support/zaparoo-emulator/switches.ts'
import { EXIT, main } from './cli.ts'

const PIN_COMMAND = 'test-support/zaparoo-emulator/pin-command.mjs'

async function cli(argv: string[]): Promise<{ exit: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const exit = await main(argv, { stdout: (l) => void stdout.push(l), stderr: (l) => void stderr.push(l) })
  return { exit, stdout, stderr }
}

/** The PIN as a user would get it: the emulator's --pin-command, run as its own process. */
async function pinFrom(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [PIN_COMMAND, url])
  return stdout.trim()
}

async function setUp(t: { teardown(fn: () => unknown): void }, remote = false, faults: Fault[] = []) {
  const emulator = await startEmulator({ simulateRemote: remote, faults })
  const dir = await mkdtemp(join(tmpdir(), 'zaparoo-client-'))
  t.teardown(async () => {
    await emulator.close()
    await rm(dir, { recursive: true, force: true })
  })
  return { url: emulator.url, file: join(dir, 'zaparoo-credentials.json') }
}

const errorOf = (lines: string[]) => (JSON.parse(lines[0]!) as { error: Record<string, unknown> }).error

t.test('pair with the PIN, then call version over the encrypted WebSocket', async (t) => {
  const { url, file } = await setUp(t)
  const pair = ['pair', '--profile', 'zaparoo-v1', '--url', url, '--credentials', file]
  const paired = await cli([...pair, '--pin', await pinFrom(url)])
  t.equal(paired.exit, EXIT.ok, paired.stderr.join('\n'))
  const printed = JSON.parse(paired.stdout[0]!) as Record<string, unknown>
  t.match(printed, { client_id: /^[0-9a-f-]{36}$/, device: url })
  t.notMatch(paired.stdout[0]!, /auth_token|pairing_key/, 'no secret is printed')

  t.equal((await stat(file)).mode & 0o777, 0o600, 'the credentials file is owner-only')
  const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>
  t.equal(stored['profile'], 'zaparoo-v1')
  t.equal(stored['client_id'], printed['client_id'])
  t.equal(Buffer.from(stored['pairing_key']!, 'base64').length, 32)

  const called = await cli(['call', '--profile', 'zaparoo-v1', '--method', 'version', '--credentials', file])
  t.equal(called.exit, EXIT.ok, called.stderr.join('\n'))
  t.same(JSON.parse(called.stdout[0]!), {
    jsonrpc: '2.0',
    id: 1,
    result: { version: 'emulated', platform: 'zaparoo-v1-emulator' },
  })
})

t.test('calls work from a remote peer too (the first frame is never plaintext)', async (t) => {
  const { url, file } = await setUp(t, true)
  const pin = await pinFrom(url)
  t.equal((await cli(['pair', '--profile', 'zaparoo-v1', '--url', url, '--pin', pin, '--credentials', file])).exit, EXIT.ok)
  const called = await cli(['call', '--profile', 'zaparoo-v1', '--method', 'version', '--credentials', file])
  t.equal(called.exit, EXIT.ok, called.stderr.join('\n'))
  t.match(JSON.parse(called.stdout[0]!), { result: { platform: 'zaparoo-v1-emulator' } })
})

t.test('a wrong PIN exits 1 with the device answer, and stores nothing', async (t) => {
  const { url, file } = await setUp(t)
  const pin = await pinFrom(url)
  const wrong = pin === '000000' ? '000001' : '000000'
  const result = await cli(['pair', '--profile', 'zaparoo-v1', '--url', url, '--pin', wrong, '--credentials', file])
  t.equal(result.exit, EXIT.refused)
  t.same(result.stdout, [])
  t.same(errorOf(result.stderr), {
    problem: 'about:blank',
    close_code: null,
    message: 'the device refused the request: 401 wrong PIN',
  })
  await t.rejects(stat(file), 'no credentials file after a refusal')
})

t.test('a device that fails verification exits 2 and is never stored', async (t) => {
  for (const [fault, message] of [
    ['server-confirm-label', 'the zaparoo-v1 server confirmation did not verify'],
    ['msgb-role-0', 'the zaparoo-v1 pair/start answer or its msgB is invalid'],
  ] as const) {
    const { url, file } = await setUp(t, false, [fault])
    const result = await cli(['pair', '--profile', 'zaparoo-v1', '--url', url, '--pin', await pinFrom(url), '--credentials', file])
    t.equal(result.exit, EXIT.verification, fault)
    t.equal(errorOf(result.stderr)['message'], message, fault)
    await t.rejects(stat(file), `${fault}: no credentials file`)
  }
})

t.test('no PIN open: exit 1 with "400 no pairing in progress"', async (t) => {
  const { url, file } = await setUp(t)
  const result = await cli(['pair', '--profile', 'zaparoo-v1', '--url', url, '--pin', '123456', '--credentials', file])
  t.equal(result.exit, EXIT.refused)
  t.equal(errorOf(result.stderr)['message'], 'the device refused the request: 400 no pairing in progress')
})

t.test('an unknown authToken: the device closes silently, exit 1 with the close', async (t) => {
  const { url, file } = await setUp(t)
  const pin = await pinFrom(url)
  await cli(['pair', '--profile', 'zaparoo-v1', '--url', url, '--pin', pin, '--credentials', file])
  const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>
  await writeFile(file, JSON.stringify({ ...stored, auth_token: '00000000-0000-4000-8000-000000000000' }))
  const result = await cli(['call', '--profile', 'zaparoo-v1', '--method', 'version', '--credentials', file])
  t.equal(result.exit, EXIT.refused)
  t.match(errorOf(result.stderr), { problem: null, close_code: Number, message: /^the session closed: / })
})

t.test('usage errors exit 3: a bad profile, a malformed PIN, Pairwire credentials', async (t) => {
  const { url, file } = await setUp(t)
  const badProfile = await cli(['pair', '--profile', 'zaparoo-v2', '--url', url, '--pin', '123456'])
  t.equal(badProfile.exit, EXIT.usage)
  t.match(errorOf(badProfile.stderr)['message'], /--profile must be zaparoo-v1/)
  const shortPin = await cli(['pair', '--profile', 'zaparoo-v1', '--url', url, '--pin', '12345', '--credentials', file])
  t.equal(shortPin.exit, EXIT.usage)
  t.equal((await cli(['info', '--profile', 'zaparoo-v1'])).exit, EXIT.usage, 'info takes no --profile')
  await writeFile(file, JSON.stringify({ v: 1, url }))
  const notOurs = await cli(['call', '--profile', 'zaparoo-v1', '--method', 'version', '--credentials', file])
  t.equal(notOurs.exit, EXIT.usage)
  t.match(errorOf(notOurs.stderr)['message'], /not zaparoo-v1 credentials/)
})
