import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import type { Test } from 'tap'
import { REPORT_SCHEMAS } from '../schemas/src/report.ts'
import { compileValidators } from '../schemas/compile.ts'
import { parseServerArgs, runCli, type CliIo } from './cli.ts'
import { deadUrl, startStub } from './stub-device.ts'

function capture(): { io: CliIo; out: () => string; err: () => string } {
  const text = { out: '', err: '' }
  const sink = (key: 'out' | 'err') =>
    new Writable({
      write(chunk, _encoding, done) {
        text[key] += String(chunk)
        done()
      },
    })
  const io = { stdout: sink('out'), stderr: sink('err') }
  return { io, out: () => text.out, err: () => text.err }
}

const URL_X = ['server', '--url', 'http://x']
const BAD_COMMAND_LINES = [
  [],
  ['client'],
  ['server'],
  [...URL_X, '--bogus'],
  ['server', '--url', 'ftp://x'],
  ['server', '--url', 'http://x/path'],
  [...URL_X, '--level', 'may'],
  [...URL_X, '--replay', 'nope'],
  [...URL_X, '--runs', '0'],
  [...URL_X, '--pin-command', 'echo 123456', '--test-control'],
  [...URL_X, '--report', 'xml:out.xml'],
  [...URL_X, '--timeout', '0'],
  [...URL_X, '--test-control', '--no-test-control'],
  [...URL_X, '--pin-command', ' '],
]

t.test('exit 2 with usage for a wrong command line', async (t) => {
  for (const argv of BAD_COMMAND_LINES) {
    const c = capture()
    const line = argv.join(' ')
    t.equal(await runCli(argv, c.io), 2, line)
    t.match(c.err(), /usage: pairwire-conformance server --url URL/, `${line}: usage printed`)
  }
})

t.test('--help prints usage and exits 0', async (t) => {
  const c = capture()
  t.equal(await runCli(['server', '--help'], c.io), 0)
  t.match(c.out(), /--pin-command CMD/)
})

t.test('options: globs split on commas, replay sets the seed, defaults', async (t) => {
  const { options, reports } = parseServerArgs([
    '--url', 'http://127.0.0.1:8080/',
    '--only', '2.*,4.*',
    '--skip', '10.*',
    '--replay', '2.9-no-internal-error@12:0:1',
    '--report', 'json:a.json',
    '--report', 'junit:b.xml',
    '--timeout', '1.5',
  ])
  t.match(options, {
    url: 'http://127.0.0.1:8080',
    seed: 12,
    runs: 100,
    timeoutMs: 1500,
    slow: false,
    pins: { kind: 'auto' },
    allowSkips: false,
    verbose: false,
    replay: { id: '2.9-no-internal-error', point: { seed: 12, path: '0:1' } },
  })
  t.same(options.selection, {
    only: ['2.*', '4.*'],
    skip: ['10.*'],
    level: 'should',
    replayId: '2.9-no-internal-error',
  })
  t.same(reports, [
    { format: 'json', file: 'a.json' },
    { format: 'junit', file: 'b.xml' },
  ])
  const command = parseServerArgs(['--url', 'http://h', '--pin-command', 'cat pin']).options.pins
  t.same(command, { kind: 'command', command: 'cat pin' })
  const off = parseServerArgs(['--url', 'http://h', '--no-test-control', '--allow-skips', '-v'])
  t.match(off.options, { pins: { kind: 'none' }, allowSkips: true, verbose: true })
})

t.test('exit 2 on an empty selection, before any network', async (t) => {
  const c = capture()
  t.equal(await runCli(['server', '--url', await deadUrl(), '--only', 'no-such-case'], c.io), 2)
  t.match(c.err(), /no case matches the selection/)
})

t.test('exit 2 on an unreachable URL', async (t) => {
  const c = capture()
  const argv = ['server', '--url', await deadUrl(), '--only', '4.1-endpoint', '--timeout', '2']
  t.equal(await runCli(argv, c.io), 2)
  t.match(c.err(), /cannot reach http:\/\/127\.0\.0\.1:\d+\/\.well-known\/pairwire/)
})

t.test('a run writes the terminal report and the JSON and JUnit files', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-cli-'))
  const c = capture()
  const code = await runCli(
    [
      'server', '--url', stub.url,
      '--only', '4.1-*,4.2-algorithms,4.3-all-limits',
      '--seed', '3',
      '--report', `json:${join(dir, 'r.json')}`,
      '--report', `junit:${join(dir, 'r.xml')}`,
    ],
    c.io,
  )
  t.equal(code, 0, c.out())
  t.match(c.out(), /\n3 passed, 0 failed, 0 skipped; 3 of \d+ MUST cases ran\n$/)
  t.match(c.err(), /\[1\/3\] 4\.1-endpoint pass/)
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as unknown
  t.match(json, { seed: 3, target: { url: stub.url }, summary: { passed: 3 } })
  const xml = readFileSync(join(dir, 'r.xml'), 'utf8')
  t.match(xml, /<testcase classname="4\.1" name="4\.1-endpoint"/)
})

t.test('a device that breaks a rule makes the run exit 1', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const c = capture()
  // The stub answers unknown paths with text/plain, not problem details (spec §2.6).
  t.equal(await runCli(['server', '--url', stub.url, '--only', '2.9-not-found'], c.io), 1)
  t.match(c.out(), /FAIL {2}2\.9-not-found/)
  t.match(c.out(), /\n0 passed, 1 failed, 0 skipped; 1 of \d+ MUST cases ran\n$/)
})

function reportFiles(): { dir: string; args: string[]; json: () => Record<string, unknown> } {
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-cli-'))
  const args = ['--report', `json:${join(dir, 'r.json')}`, '--report', `junit:${join(dir, 'r.xml')}`,
    '--report', `html:${join(dir, 'r.html')}`]
  const json = () => JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Record<string, unknown>
  return { dir, args, json }
}

function validReport(t: Test, doc: unknown): void {
  const validate = compileValidators(REPORT_SCHEMAS).get('conformance-report')!
  t.ok(validate(doc), validate.explain())
}

t.test('exit 2 writes every report: the reason, the target, what ran (spec §14.2)', async (t) => {
  const url = await deadUrl()
  for (const argv of [
    ['server', '--url', url, '--only', '4.1-endpoint', '--timeout', '2'],
    ['server', '--url', url, '--level', 'may'],
  ]) {
    const files = reportFiles()
    const c = capture()
    t.equal(await runCli([...argv, ...files.args], c.io), 2, argv.join(' '))
    const doc = files.json()
    validReport(t, doc)
    t.match(doc, { exit_code: 2, error: /cannot reach|--level/, results: [] })
    t.match(readFileSync(join(files.dir, 'r.xml'), 'utf8'), /<error type="exit 2" message="/)
    t.match(readFileSync(join(files.dir, 'r.html'), 'utf8'), /stopped/)
  }
})

t.test('a broken PIN command is a setup error: exit 2, not a device failure', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  for (const [command, why] of [
    ['echo hello', /printed no 6-digit PIN: "hello\\n"/],
    ['echo 12345', /printed no 6-digit PIN/],
    ['exit 3', /--pin-command failed \(exit 3/],
  ] as const) {
    const files = reportFiles()
    const c = capture()
    const argv = ['server', '--url', stub.url, '--only', '5.3-*', '--pin-command', command]
    t.equal(await runCli([...argv, ...files.args], c.io), 2, command)
    t.match(c.err(), why, `${command}: the reason`)
    const doc = files.json()
    validReport(t, doc)
    t.match(doc, { exit_code: 2, error: why, summary: { failed: 0 } })
  }
})

t.test('MUST cases skipped for want of a PIN source: exit 3 unless --allow-skips', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const argv = ['server', '--url', stub.url, '--only', '4.1-endpoint,5.3-*', '--level', 'must']
  const files = reportFiles()
  const c = capture()
  t.equal(await runCli([...argv, ...files.args], c.io), 3, c.out())
  t.match(c.err(), /MUST cases were skipped for want of a PIN source/)
  t.match(c.out(), /; 1 of \d+ MUST cases ran\n$/)
  const doc = files.json()
  validReport(t, doc)
  t.match(doc, { exit_code: 3, summary: { must_ran: 1 }, results: [{ status: 'pass' }] })
  t.ok((doc['summary'] as { must_unchecked: number }).must_unchecked > 0)
  t.equal(await runCli([...argv, '--allow-skips'], capture().io), 0, '--allow-skips')
})

t.test('--list prints the selected cases with level and anchor, and runs nothing', async (t) => {
  const c = capture()
  t.equal(await runCli(['server', '--url', await deadUrl(), '--list', '--only', '4.1-*'], c.io), 0)
  t.match(c.out(), /^4\.1-endpoint\tMUST\tpw-disc-4\.1-[a-z-]+\t/m)
  t.notMatch(c.out(), /^5\./m)
  t.equal(await runCli(['server', '--url', 'http://x', '--list', '--only', 'none'], capture().io), 2)
})

t.test('-v prints the wire trace: request line, headers, status', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const c = capture()
  t.equal(await runCli(['server', '--url', stub.url, '--only', '2.9-not-found', '-v'], c.io), 1)
  t.match(c.err(), /\| -> GET \/ HTTP\/1\.1/)
  t.match(c.out(), /\| <- 404/)
  t.match(c.out(), /\| content-type: text\/plain/)
})
