import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
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
    pins: { kind: 'none' },
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
  t.match(c.out(), /\n3 passed, 0 failed, 0 skipped\n$/)
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
  t.match(c.out(), /\n0 passed, 1 failed, 0 skipped\n$/)
})
