// The human side of pairwire-client (issue 19 point 6): one line on a terminal, the §12.3 JSON
// otherwise; --help exits 0. Checks spec requirements: pw-test-12.3-output
import { createServer, type Server } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { LABELS, PROBLEMS, problemType } from '../protocol/registry.ts'
import { humanMessage, USAGE } from './cli-human.ts'
import { EXIT, main } from './cli.ts'
import { ClientError, parseRetryAfter } from './errors.ts'
import { FAKE_PIN, startFakeDevice } from './test-fixture.ts'

async function cli(argv: string[], human: boolean) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, {
    stdout: (line) => void out.push(line),
    stderr: (line) => void err.push(line),
    human,
  })
  return { code, out, err }
}

const WRONG_PIN = String((Number(FAKE_PIN) + 1) % 1_000_000).padStart(6, '0')

t.test('--help, -h and help print the usage on stdout and exit 0', async (t) => {
  for (const argv of [['--help'], ['-h'], ['help'], ['pair', '--help']]) {
    const result = await cli(argv, false)
    t.same(result, { code: EXIT.ok, out: [USAGE], err: [] }, argv.join(' '))
  }
  t.match(USAGE, /^usage: pairwire-client COMMAND/)
})

t.test('a wrong PIN on a terminal: one line with attempts_remaining, the same exit code', async (t) => {
  const device = await startFakeDevice()
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-human-'))
  t.teardown(async () => {
    await device.close()
    await rm(dir, { recursive: true, force: true })
  })
  const argv = ['pair', '--url', device.url, '--pin', WRONG_PIN, '--credentials', join(dir, 'c.json')]

  const human = await cli(argv, true)
  t.equal(human.code, EXIT.refused)
  t.same(human.out, [])
  t.same(human.err, ['pairwire-client: wrong PIN: 2 attempts remaining in this pairing window'])

  // Not a terminal, or --json: the adapter contract's JSON object, unchanged (spec §12.3).
  const expected = { problem: problemType(PROBLEMS.confirmationFailed), close_code: null }
  for (const [args, onTty] of [[argv, false], [[...argv, '--json'], true]] as const) {
    const result = await cli([...args], onTty)
    t.equal(result.code, EXIT.refused)
    t.equal(result.err.length, 1)
    t.match(JSON.parse(result.err[0]!), { error: expected })
  }
})

t.test('a usage error on a terminal points at --help', async (t) => {
  const result = await cli(['pair', '--pin', '1'], true)
  t.equal(result.code, EXIT.usage)
  t.same(result.err, ['pairwire-client: --url is required (pairwire-client --help shows the usage)'])
})

t.test('Retry-After of a 429 reaches the human line, from delay-seconds or an HTTP-date', async (t) => {
  let retryAfter = '7'
  const server: Server = createServer((_req, res) => {
    const body = { type: problemType(PROBLEMS.rateLimited), title: PROBLEMS.rateLimited.title, status: 429 }
    res.writeHead(429, { 'content-type': LABELS.problemContentType, 'retry-after': retryAfter })
    res.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as { port: number }
  const argv = ['pair', '--url', `http://127.0.0.1:${port}`, '--pin', WRONG_PIN, '--credentials', join(tmpdir(), 'unused.json')]

  const result = await cli(argv, true)
  t.equal(result.code, EXIT.refused)
  t.same(result.err, [
    'pairwire-client: the device refused the request: 429 Rate limited (urn:pairwire:error:rate-limited); retry in 7 seconds (Retry-After)',
  ])

  retryAfter = new Date(Date.now() + 120_000).toUTCString()
  const dated = await cli(argv, true)
  t.match(dated.err[0], /retry in 1(19|20|21) seconds \(Retry-After\)$/)
})

t.test('parseRetryAfter: RFC 9110 §10.2.3 delay-seconds and HTTP-date', async (t) => {
  const now = Date.parse('2026-12-06T12:00:00Z')
  t.equal(parseRetryAfter('30', now), 30)
  t.equal(parseRetryAfter(' 0 ', now), 0)
  t.equal(parseRetryAfter('Sun, 06 Dec 2026 12:01:00 GMT', now), 60)
  t.equal(parseRetryAfter('Sun, 06 Dec 2026 11:00:00 GMT', now), 0, 'a date past is now')
  t.equal(parseRetryAfter('-5', now), null)
  t.equal(parseRetryAfter('soon', now), null)
  t.equal(parseRetryAfter(null, now), null)
})

t.test('clock skew: the offset from device_time, and which side is ahead', async (t) => {
  const now = Date.parse('2026-12-06T12:00:00Z')
  const skew = (deviceTime?: number) =>
    ClientError.problem({
      type: problemType(PROBLEMS.clockSkew),
      status: 401,
      ...(deviceTime === undefined ? {} : { device_time: deviceTime }),
    })
  t.equal(
    humanMessage(skew(now / 1000 - 42), now),
    'pairwire-client: the device refused the signature: the clocks differ by more than it allows: ' +
      'this machine is 42 seconds ahead of the device (device time 2026-12-06T11:59:18Z); set the clocks right',
  )
  t.match(humanMessage(skew(now / 1000 + 1), now), /this machine is 1 second behind the device/)
  t.match(humanMessage(skew(), now), /differ by more than it allows; check both clocks$/)
})

t.test('attempts_remaining 1 and 0, closes and what a device says are kept to one printable line', async (t) => {
  const failed = (attempts: number) =>
    ClientError.problem({ type: problemType(PROBLEMS.confirmationFailed), status: 403, attempts_remaining: attempts })
  t.equal(humanMessage(failed(1)), 'pairwire-client: wrong PIN: 1 attempt remaining in this pairing window')
  t.match(humanMessage(failed(0)), /no attempts remaining: the pairing window is closed/)
  const closedWindow = ClientError.problem({ type: problemType(PROBLEMS.pairingWindowClosed), status: 403 })
  t.match(humanMessage(closedWindow), /^pairwire-client: no pairing window is open on the device .*; open one there/)
  const hostile = ClientError.problem({
    type: 'urn:x:\u001b[2Jodd',
    status: 400,
    title: 'Bad\nthing',
    detail: 'line one\r\nline two \u001b]0;title\u0007',
  })
  const line = humanMessage(hostile)
  t.notMatch(line, /[^\x20-\x7e]/, 'nothing but printable ASCII')
  t.match(line, /^pairwire-client: the device refused the request: 400 Bad thing \(urn:x: \[2Jodd\): line one {2}line two/)
  const closed = ClientError.closed({ code: 4403, reason: 'client-revoked' })
  t.equal(humanMessage(closed), 'pairwire-client: the device closed the session: 4403 client-revoked')
  t.equal(humanMessage(new Error('boom')), 'pairwire-client: boom')
})
