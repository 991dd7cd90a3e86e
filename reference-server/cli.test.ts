// Checks spec requirements: pw-reg-9.3-operator-revocation, pw-test-12.1-off-by-default
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { createInterface } from 'node:readline'
import t from 'tap'
import { fetch } from 'undici'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../protocol/encoding.ts'
import { LIMIT_DEFAULTS, PATHS, PROBLEMS, SIZES, problemType } from '../protocol/registry.ts'
import { finishClientPairing, startClientPairing, validatePin } from '../protocol/spake2/index.ts'
import { EXIT, runCli } from './cli.ts'
import { FAULTS } from './faults.ts'
import { ADMIN_SOCKET } from './pairing/admin-socket.ts'

async function cli(argv: string[]) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const code = await runCli(argv, { stdout, stderr })
  return { code, stdout: String(stdout.read() ?? ''), stderr: String(stderr.read() ?? '') }
}

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pw-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('--list-faults prints every fault with its description', async (t) => {
  const { code, stdout } = await cli(['--list-faults'])
  t.equal(code, EXIT.ok)
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l))
  t.same(lines, Object.entries(FAULTS).map(([fault, description]) => ({ fault, description })))
})

t.test('--help prints the usage, every limit flag included', async (t) => {
  const { code, stdout } = await cli(['--help'])
  t.equal(code, EXIT.ok)
  for (const name of Object.keys(LIMIT_DEFAULTS)) {
    t.match(stdout, `--${name.replaceAll('_', '-')} N`)
  }
})

t.test('usage errors exit 2 with the usage text', async (t) => {
  const cases = [
    ['--test-hooks', '--host', '0.0.0.0'],
    ['--fault', 'accept-reused-nonce'],
    ['--test-hooks', '--fault', 'no-such-fault'],
    ['--no-such-flag'],
    ['--pin-ttl', 'ten'],
    ['--pin-ttl', '301'],
    ['--port', '70000'],
    ['frobnicate'],
    ['clients', 'list', '--store', 'memory', '--state-dir', tempDir(t)],
    ['clients', 'revoke'],
    ['--port', '0', '--state-dir', tempDir(t), '--name', 'x'.repeat(65)],
    ['--port', '0', '--state-dir', tempDir(t), '--store', 'nonsense'],
  ]
  for (const argv of cases) {
    const { code, stderr } = await cli(argv)
    t.equal(code, EXIT.usage, argv.join(' '))
    t.match(stderr, /usage:/)
  }
  const { stderr } = await cli(['--test-hooks', '--host', '0.0.0.0'])
  t.match(stderr, /--test-hooks needs a loopback --host/)
})

t.test('pair with no running device exits 1', async (t) => {
  const { code, stderr } = await cli(['pair', '--state-dir', tempDir(t)])
  t.equal(code, EXIT.failed)
  t.match(stderr, /no running device/)
})

type Discovery = { device_key: string; profiles: string[] }

/** Pairs a fresh client with the device at `url` using `pin`; returns its client_id. */
async function pairWith(url: string, pin: string, name: string): Promise<string> {
  const discovery = (await (await fetch(url + PATHS.discovery)).json()) as Discovery
  const seed = defaultBackend.randomBytes(32)
  const clientKey = defaultBackend.ed25519PublicKey(seed)
  const deviceKey = base64urlDecode(discovery.device_key, SIZES.ed25519PublicKey)
  const { pA, state } = startClientPairing({ pin, clientKey, deviceKey })
  const post = (path: string, body: object) =>
    fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const start = (await (await post(PATHS.pairStart, {
    v: 1, client_key: base64urlEncode(clientKey), client_name: name, pA: base64urlEncode(pA),
  })).json()) as { pairing_id: string; pB: string }
  const { cA } = finishClientPairing(state, base64urlDecode(start.pB))
  const finish = (await (await post(PATHS.pairFinish, {
    v: 1, pairing_id: start.pairing_id, cA: base64urlEncode(cA),
  })).json()) as { client_id: string }
  return finish.client_id
}

t.test('a running server: --pair, pair, clients list/revoke, SIGTERM exits 0', async (t) => {
  const dir = tempDir(t)
  const store = `file:${join(dir, 'store.json')}`
  const child = spawn(process.execPath, [
    '--import', 'tsx', new URL('./cli.ts', import.meta.url).pathname,
    '--port', '0', '--store', store, '--state-dir', dir, '--pair', '--pin-ttl', '60',
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => child.kill('SIGKILL'))
  let logs = ''
  child.stderr.on('data', (chunk: Buffer) => (logs += chunk))
  const stdout = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const listening = JSON.parse((await stdout.next()).value as string)
  t.match(listening, { event: 'listening', url: /^http:\/\/127\.0\.0\.1:\d+$/, device_id: /^pwd_/ })
  const window = JSON.parse((await stdout.next()).value as string)
  t.match(window, { event: 'pairing-window', expires_at: Number })
  t.equal(validatePin(window.pin), window.pin)
  const ttl = window.expires_at - Math.floor(Date.now() / 1000)
  t.ok(ttl > 50 && ttl <= 60, '--pin-ttl 60 is the window TTL')
  const { profiles } = (await (await fetch(listening.url + PATHS.discovery)).json()) as Discovery
  t.notOk(profiles.includes('test-control'), 'started without --test-hooks: no test-control')
  const testPin = await fetch(listening.url + PATHS.testPin, { method: 'POST', body: '{"v":1}' })
  t.same([testPin.status, ((await testPin.json()) as { type: string }).type],
    [PROBLEMS.notFound.status, problemType(PROBLEMS.notFound)], 'test/pin is not-found')

  const first = await pairWith(listening.url, window.pin, 'first')
  const opened = await cli(['pair', '--state-dir', dir, '--ttl', '30'])
  t.equal(opened.code, EXIT.ok)
  const second = JSON.parse(opened.stdout)
  t.match(second, { event: 'pairing-window', expires_at: Number })
  const other = await pairWith(listening.url, second.pin, 'second')

  const listed = await cli(['clients', 'list', '--state-dir', dir])
  t.equal(listed.code, EXIT.ok)
  const summaries = JSON.parse(listed.stdout) as { name: string }[]
  t.same(summaries.map((c) => c.name).sort(), ['first', 'second'])
  for (const summary of summaries) {
    t.same(Object.keys(summary).sort(), ['client_id', 'name', 'paired_at'], 'no pairing key listed')
  }
  t.equal((await cli(['clients', 'revoke', first, '--state-dir', dir])).code, EXIT.ok)
  const unknown = await cli(['clients', 'revoke', first, '--state-dir', dir])
  t.equal(unknown.code, EXIT.failed, 'revoking an unknown client fails')
  t.notOk(logs.includes(window.pin) || logs.includes(second.pin), 'no PIN in the log stream')

  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM: graceful exit 0')
  t.match(logs, /"event":"device.closed"/)
  t.notOk(existsSync(join(dir, ADMIN_SOCKET)), 'the admin socket is removed')

  const offline = ['--store', store, '--state-dir', dir]
  const listedOffline = await cli(['clients', 'list', ...offline])
  const ids = (JSON.parse(listedOffline.stdout) as { client_id: string }[]).map((c) => c.client_id)
  t.same(ids, [other], 'the store was flushed')
  const offlineRevoke = await cli(['clients', 'revoke', other, ...offline])
  t.equal(offlineRevoke.code, EXIT.ok)
  const empty = await cli(['clients', 'list', ...offline])
  t.same(JSON.parse(empty.stdout), [])
  const audit = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
  t.notOk(audit.includes(window.pin) || audit.includes(second.pin), 'no PIN in the audit log')
  const entries = audit.trim().split('\n').map((l) => JSON.parse(l))
  const revokes = entries.filter((e) => e.event === 'client.revoke')
  t.same(revokes.map((e) => [e.client_id, e.by]), [[first, 'operator'], [other, 'operator']])
})
