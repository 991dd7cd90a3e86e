// Checks spec requirements: pw-test-12.3-subcommands, pw-test-12.3-output, pw-test-12.3-credentials-file
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { CLOSES, METHODS, PROBLEMS, RPC_ERRORS, problemType } from '../protocol/registry.ts'
import { DEFAULT_CLIENT_NAME, parseCommand } from './cli-args.ts'
import { EXIT, main } from './cli.ts'
import { DEFAULT_CREDENTIALS_FILE } from './credentials-file.ts'
import { ClientError } from './errors.ts'
import { FAKE_PIN, startFakeDevice, type FakeDeviceOptions } from './test-fixture.ts'

const printed: string[] = []

async function cli(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const output = {
    stdout: (line: string) => void out.push(line),
    stderr: (line: string) => void err.push(line),
  }
  const code = await main(argv, output)
  printed.push(...out, ...err)
  return {
    code,
    out: out.length === 0 ? undefined : JSON.parse(out.join('')),
    err: err.length === 0 ? undefined : JSON.parse(err.join('')),
  }
}

type Teardown = { teardown(fn: () => unknown): void }

async function setup(t: Teardown, options: FakeDeviceOptions = {}) {
  const device = await startFakeDevice(options)
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-cli-'))
  t.teardown(async () => {
    await device.close()
    await rm(dir, { recursive: true, force: true })
  })
  return { device, file: join(dir, 'credentials.json') }
}

async function pairedSetup(t: Teardown, options: FakeDeviceOptions = {}) {
  const context = await setup(t, options)
  const { device, file } = context
  const paired = await cli('pair', '--url', device.url, '--pin', FAKE_PIN, '--credentials', file)
  if (paired.code !== EXIT.ok) throw new Error('pairing failed')
  return context
}

t.test('argument parsing', async (t) => {
  t.match(parseCommand(['pair', '--url', 'http://d', '--pin', '123456']), {
    name: 'pair', url: 'http://d', pin: '123456', clientName: DEFAULT_CLIENT_NAME,
    credentials: DEFAULT_CREDENTIALS_FILE, timeoutMs: 30_000,
  })
  const call = ['call', '--method', 'm', '--params', '[1]', '--url', 'ignored', '--timeout', '5']
  t.match(parseCommand(call), { name: 'call', method: 'm', params: [1], timeoutMs: 5000 })
  const signed = ['signed-call', '--method', 'm', '--alg', 'hmac-sha256', '--credentials', 'f']
  t.match(parseCommand(signed), {
    name: 'signed-call', alg: 'hmac-sha256', credentials: 'f', params: undefined,
  })
  t.match(parseCommand(['unpair']), { name: 'unpair' })
  t.match(parseCommand(['info', '--credentials', 'x']), { name: 'info', credentials: 'x' })
  const bad: [string[], RegExp][] = [
    [[], /usage/],
    [['frobnicate'], /usage/],
    [['pair', '--url', 'http://d'], /--pin is required/],
    [['pair', '--url', '', '--pin', '1'], /--url is required/],
    [['pair', '--url', 'u', '--pin', '1', '--method', 'm'], /pair takes no --method/],
    [['info', '--url', 'u'], /info takes no --url/],
    [['call', '--method', 'm', '--bogus'], /bogus/],
    [['call', '--method', 'm', 'positional'], /positional/],
    [['call'], /--method is required/],
    [['call', '--method', 'm', '--params', '{'], /must be JSON/],
    [['call', '--method', 'm', '--params', '3'], /object or array/],
    [['call', '--method', 'm', '--params', 'null'], /object or array/],
    [['call', '--method', 'm', '--timeout', '0'], /timeout/],
    [['call', '--method', 'm', '--timeout', '1.5'], /timeout/],
    [['signed-call', '--method', 'm', '--alg', 'none'], /--alg/],
  ]
  for (const [argv, message] of bad) {
    t.throws(() => parseCommand(argv), ClientError, argv.join(' '))
    t.throws(() => parseCommand(argv), { kind: 'usage', message })
  }
})

t.test('pair, call, signed-call, info and unpair against a device', async (t) => {
  const { device, file } = await setup(t)
  const paired = await cli(
    'pair', '--url', device.url, '--pin', FAKE_PIN, '--name', 'cli', '--credentials', file,
  )
  t.equal(paired.code, EXIT.ok)
  const stored = JSON.parse(await readFile(file, 'utf8'))
  t.same(paired.out, { client_id: stored.client_id, device_id: device.deviceId })
  t.equal((await stat(file)).mode & 0o777, 0o600, 'credentials file mode 0600')
  t.equal(stored.name, 'cli')

  const echo = ['--credentials', file, '--method', METHODS.echo]
  const call = await cli('call', ...echo, '--params', '{"a":[1]}')
  const response = { jsonrpc: '2.0', id: 1, result: { a: [1] } }
  t.same(call, { code: EXIT.ok, out: response, err: undefined }, 'the response object, unchanged')
  const closed = await (await device.nextSession()).closed
  t.same(closed, { code: CLOSES.normal.code, reason: CLOSES.normal.reason }, 'closed with 1000')
  for (const alg of ['ed25519', 'hmac-sha256']) {
    const signed = await cli('signed-call', ...echo, '--params', '[7]', '--alg', alg)
    t.same(signed, { code: EXIT.ok, out: { jsonrpc: '2.0', id: 1, result: [7] }, err: undefined })
  }
  const info = await cli('info', '--credentials', file)
  const { client_id, device_key, paired_at } = stored
  const url = device.url
  const device_id = device.deviceId
  t.same(info.out, { v: 1, url, device_id, device_key, client_id, name: 'cli', paired_at })

  const unpaired = await cli('unpair', '--credentials', file)
  t.same(unpaired.out, { client_id })
  const refused = await cli('call', '--credentials', file, '--method', METHODS.echo)
  t.equal(refused.code, EXIT.refused)
  t.same(refused.err.error.problem, problemType(PROBLEMS.unknownKey))
  t.equal(refused.err.error.close_code, null)
})

t.test('a wrong PIN exits 1 with the problem and writes nothing', async (t) => {
  const { device, file } = await setup(t)
  const result = await cli('pair', '--url', device.url, '--pin', '111112', '--credentials', file)
  t.equal(result.code, EXIT.refused)
  t.equal(result.out, undefined)
  t.same(result.err.error.problem, problemType(PROBLEMS.confirmationFailed))
  await t.rejects(stat(file), { code: 'ENOENT' })
})

t.test('a cB that does not verify exits 2 and writes nothing', async (t) => {
  const { device, file } = await setup(t, { finishAnswer: (a) => ({ ...a, cB: 'A'.repeat(43) }) })
  const result = await cli('pair', '--url', device.url, '--pin', FAKE_PIN, '--credentials', file)
  t.equal(result.code, EXIT.verification)
  const message = 'the device confirmation cB did not verify'
  t.same(result.err, { error: { problem: null, close_code: null, message } })
  await t.rejects(stat(file), { code: 'ENOENT' })
})

t.test('a device close during a call exits 1 with the close code', async (t) => {
  const { device, file } = await pairedSetup(t)
  const running = cli('call', '--credentials', file, '--method', 'slow')
  ;(await device.nextSession()).close(CLOSES.clientRevoked.code, CLOSES.clientRevoked.reason)
  const result = await running
  t.equal(result.code, EXIT.refused)
  t.match(result.err, { error: { problem: null, close_code: CLOSES.clientRevoked.code } })
})

t.test('a tampered frame during a call exits 2', async (t) => {
  const { device, file } = await pairedSetup(t)
  const running = cli('call', '--credentials', file, '--method', 'slow')
  const session = await device.nextSession()
  await session.handshaken
  session.sendTampered({ jsonrpc: '2.0', id: 1, result: 'forged' })
  const result = await running
  t.equal(result.code, EXIT.verification)
  t.match(result.err, { error: { problem: null, close_code: null, message: /authentication/ } })
})

t.test('a Noise message 2 that fails verification exits 2', async (t) => {
  const { file } = await pairedSetup(t, { sessionMode: 'garbage-message-2' })
  const result = await cli('call', '--credentials', file, '--method', METHODS.echo)
  t.equal(result.code, EXIT.verification)
  t.equal(result.out, undefined, 'nothing on stdout')
  t.match(result.err, { error: { problem: null, close_code: null, message: /message 2/ } })
})

t.test('a JSON-RPC error response is printed as received, exit 0', async (t) => {
  const { file } = await pairedSetup(t)
  const result = await cli('call', '--credentials', file, '--method', 'nope')
  const error = { ...RPC_ERRORS.methodNotFound, data: { method: 'nope' } }
  t.same(result, { code: EXIT.ok, out: { jsonrpc: '2.0', id: 1, error }, err: undefined })
})

t.test('an unwritable credentials location is refused before pairing', async (t) => {
  const { device, file } = await setup(t)
  const inMissingDir = join(file, '..', 'missing', 'credentials.json')
  const pairing = ['--url', device.url, '--pin', FAKE_PIN, '--credentials', inMissingDir]
  const result = await cli('pair', ...pairing)
  t.equal(result.code, EXIT.usage)
  t.match(result.err, { error: { message: /cannot be written/ } })
  t.equal(device.clients.size, 0, 'the device paired nobody')
})

t.test('network failures, timeouts and missing files exit 3', async (t) => {
  const { device, file } = await setup(t, { sessionMode: 'silent' })
  const pairing = ['--pin', FAKE_PIN, '--credentials', file]
  const unreachable = await cli('pair', '--url', 'http://127.0.0.1:1', ...pairing)
  t.equal(unreachable.code, EXIT.usage)
  const call = ['call', '--credentials', file, '--method', METHODS.echo]
  t.equal((await cli(...call)).code, EXIT.usage, 'no credentials yet')
  await cli('pair', '--url', device.url, ...pairing)
  const timedOut = await cli(...call, '--timeout', '1')
  t.equal(timedOut.code, EXIT.usage)
  t.match(timedOut.err, { error: { message: /timed out/ } })
})

t.test('the executable prints one JSON object and exits with the code', async (t) => {
  const { device, file } = await setup(t)
  const run = (...argv: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const args = ['--import', 'tsx', new URL('./cli.ts', import.meta.url).pathname, ...argv]
      execFile(process.execPath, args, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr }))
    })
  const [ok, bad] = await Promise.all([
    run('pair', '--url', device.url, '--pin', FAKE_PIN, '--credentials', file),
    run('info', '--credentials', file + '.missing'),
  ])
  printed.push(ok.stdout, ok.stderr, bad.stdout, bad.stderr)
  t.equal(ok.code, EXIT.ok)
  t.match(JSON.parse(ok.stdout), { device_id: device.deviceId })
  t.equal(ok.stderr, '')
  t.equal(bad.code, EXIT.usage)
  t.equal(bad.stdout, '')
  const expected = { problem: null, close_code: null, message: /cannot be read/ }
  t.match(JSON.parse(bad.stderr), { error: expected })
})

t.test('no secret is ever printed', async (t) => {
  const { device, file } = await pairedSetup(t)
  await cli('info', '--credentials', file)
  await cli('call', '--credentials', file, '--method', METHODS.echo, '--params', '{}')
  const stored = JSON.parse(await readFile(file, 'utf8'))
  const output = printed.join('\n')
  t.ok(printed.length > 20, `${printed.length} outputs checked`)
  for (const secret of [stored.client_seed, stored.pairing_key, FAKE_PIN]) {
    t.notOk(output.includes(secret))
  }
  t.ok(output.includes(device.deviceId), 'the check would see a printed value')
})
