/**
 * `pairwire-conformance server --via-relay URL --device ID` as a user runs it (spec §15.5,
 * §14.2): the reference device holds its slot at the reference relay, and server mode judges it
 * through the relay only. The correct device fails no case; every case not run says why (the
 * §15.5 rules that keep POST rpc and test-control off relayed streams, or --slow); the two
 * relayed-only cases pass. A device with a rule switched off is still caught through the relay.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { runCli } from '../cli.ts'
import { PATHS } from '../../protocol/registry.ts'
import { PACKAGE_ROOT } from '../package-root.ts'
import { loadCases } from '../registry.ts'
import { REFERENCE_LIMITS, untilListening } from '../reference-child.ts'
import type { CaseResult } from '../model.ts'

const TSX = ['--import', 'tsx']
// The relay's defaults (spec §11.5): room for server mode's concurrent streams and long sessions.
const RELAY_DEFAULTS = ['--grace', '30', '--claim-timeout', '10', '--idle-timeout', '300', '--ping-interval', '30',
  '--max-stream-buffer', '1048576', '--max-streams-per-device', '64', '--max-connections-per-ip', '256']

// A PIN's window outlasts a pairing through the relay on a loaded machine (REFERENCE_LIMITS' 4 s
// did not, 6.3-ttl's pairing got 403); the window-expiry cases then wait for --slow.
const WINDOW = ['--pin-ttl', '15', '--pairing-ttl', '20']

const sink = () => new Writable({ write: (_c, _e, done) => done() })

/**
 * The operator's local means of opening a window: test/pin on the device's own loopback listener
 * (spec §12.2), never through the relay. A plain node one-liner: a tsx start of the server CLI's
 * `pair` can outlast the harness's 10 s PIN-command limit on a loaded machine.
 */
function pinCommandFor(deviceUrl: string): string {
  const script = `const ttl = Number(process.env.PAIRWIRE_PIN_TTL) || undefined;
fetch(${JSON.stringify(deviceUrl + PATHS.testPin)}, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ v: 1, ttl }) }).then((r) => r.json()).then((b) => console.log(b.pin))`
  return `${process.execPath} -e '${script.replace(/'/g, `'\\''`)}'`
}

async function relayAndDevice(t: Test, deviceArgs: readonly string[] = []) {
  const relayChild = spawn(process.execPath, [...TSX, 'reference-relay/cli.ts', '--host', '127.0.0.1', '--port', '0', ...RELAY_DEFAULTS],
    { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const relay = await untilListening(relayChild, 'the reference relay')
  t.teardown(() => relay.stop())
  const stateDir = mkdtempSync(join(tmpdir(), 'pairwire-via-relay-'))
  // --test-hooks on: the relayed-only cases then check that test-control stays off the relay.
  const deviceChild = spawn(process.execPath, [...TSX, 'reference-server/cli.ts', '--host', '127.0.0.1', '--port', '0',
    '--store', 'memory', '--test-hooks', '--state-dir', stateDir, '--relay', relay.url, ...REFERENCE_LIMITS, ...WINDOW, ...deviceArgs],
  { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let deviceId = ''
  deviceChild.stdout.on('data', (d: Buffer) => {
    deviceId ||= /"device_id":"(pwd_[A-Za-z0-9_-]{22})"/.exec(d.toString())?.[1] ?? ''
  })
  const device = await untilListening(deviceChild, 'the reference device', () => rmSync(stateDir, { recursive: true, force: true }))
  t.teardown(() => device.stop())
  return { relayUrl: relay.url, deviceId, pinCommand: pinCommandFor(device.url) }
}

async function judgeViaRelay(t: Test, deviceArgs: readonly string[], harnessArgs: readonly string[]) {
  const { relayUrl, deviceId, pinCommand } = await relayAndDevice(t, deviceArgs)
  t.match(deviceId, /^pwd_/, 'the device printed its device_id')
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-via-relay-report-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const report = join(dir, 'report.json')
  let stderr = ''
  const progress = new Writable({ write: (c: Buffer, _e, done) => void ((stderr = (stderr + c.toString()).slice(-3000)), done()) })
  const exitCode = await runCli(['server', '--via-relay', relayUrl, '--device', deviceId, '--pin-command', pinCommand,
    '--seed', '7', '--allow-skips', '--report', `json:${report}`, ...harnessArgs], { stdout: sink(), stderr: progress })
  const { results } = JSON.parse(readFileSync(report, 'utf8')) as { results: CaseResult[] }
  return { exitCode, results, stderr }
}

t.test('the correct device behind the relay fails nothing; every skip says why', async (t) => {
  const { exitCode, results, stderr } = await judgeViaRelay(t, [], [])
  const failed = results.filter((r) => r.status === 'fail')
  t.same(failed.map((r) => `${r.id}: ${r.message}`), [], 'no case fails through the relay')
  t.equal(exitCode, 0, exitCode === 0 ? 'exit 0' : stderr)
  const skipped = results.filter((r) => r.status === 'skip')
  t.same(skipped.filter((r) => (r.reason ?? '').length === 0).map((r) => r.id), [], 'every skip has a reason')
  // The cases kept off relayed streams are exactly those that need POST rpc or test-control.
  const direct = loadCases()
    .filter((c) => c.directOnly !== undefined || c.profiles?.includes('test-control') === true)
    .map((c) => c.id)
  const relayReason = skipped.filter((r) => /§15\.5 pw-relay-15\.5-no-(plain-rpc|test-control)/.test(r.reason ?? ''))
  t.same(relayReason.map((r) => r.id).sort(), [...direct].sort(), 'skipped for a §15.5 rule: the cases that need it')
  const other = skipped.filter((r) => !relayReason.includes(r))
  t.same(other.filter((r) => !/pass --slow/.test(r.reason ?? '')).map((r) => `${r.id}: ${r.reason}`), [],
    'every other skip waits for --slow')
  for (const id of ['15.5-no-plain-rpc', '15.5-no-test-control']) {
    t.equal(results.find((r) => r.id === id)?.status, 'pass', `${id} runs and passes through the relay`)
  }
  const passed = results.filter((r) => r.status === 'pass').length
  t.ok(passed >= 90, `${passed} cases pass through the relay (sessions, pairing, tickets, limits)`)
})

t.test('a device fault is still caught through the relay', async (t) => {
  const { exitCode, results, stderr } = await judgeViaRelay(t, ['--fault', 'accept-reused-ticket'], ['--only', '6.3-single-use'])
  t.equal(exitCode, 1, exitCode === 1 ? 'exit 1: a MUST failed' : stderr)
  t.same(results.filter((r) => r.status === 'fail').map((r) => r.id), ['6.3-single-use'])
})
