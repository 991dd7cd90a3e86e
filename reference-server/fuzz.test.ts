/**
 * Fuzz (issue 5): random and mutated requests and frames against every endpoint of a reference
 * device running as a child process, for a bounded time, so that a crash, an unhandled rejection
 * or a leak shows from outside. HTTP cases derive from each endpoint's valid request (bodies,
 * headers that lie or overflow, methods, paths, signatures broken before or after signing);
 * session cases combine tickets, opening handshakes, Noise message 1 and frame sequences.
 * Asserted, for every answer:
 * - spec §2.9 {#pw-conv-2.9-no-internal-error}: no 5xx but the documented 503s (overloaded,
 *   store-unavailable);
 * - spec §2.6 {#pw-conv-2.6-problem-json}: every 4xx and 5xx is problem+json of a registry entry;
 * - spec §7.2: only a fresh ticket on a valid opening handshake is upgraded;
 * - spec §7.9: every session ends with a Close frame whose code is in the registry (never 4500
 *   internal-error), 1000 normal when the client closed first (pw-sess-7.9-close-answer), or
 *   1002 after a WebSocket-layer violation (RFC 6455 §7.4.1), and the device ends the connection;
 * and for the device process: alive at the end, no error line, nothing but JSON lines on stderr
 * (so no unhandled rejection, uncaught exception, stack trace or Node warning), RSS growth
 * bounded, exit 0 on SIGTERM. The first subtests pin down the bugs the fuzz found.
 */
import fc from 'fast-check'
import t from 'tap'
import {
  CLOSES,
  LABELS,
  PATHS,
  PROBLEMS,
  problemType,
  type ProblemEntry,
} from '../protocol/registry.ts'
import {
  httpBatch,
  sessionCase,
  type HttpCase,
  type SessionCase,
} from '../test-support/fuzz/arbitraries.ts'
import { startDeviceProcess } from '../test-support/fuzz/device-process.ts'
import { HttpDriver, pairClient } from '../test-support/fuzz/http-driver.ts'
import { exchange, parseResponses, type RawResponse } from '../test-support/fuzz/raw-http.ts'
import { SessionDriver } from '../test-support/fuzz/session-driver.ts'

/** Small limits, so that the fuzz reaches them: max_body and max_frame at their minimum. */
const MAX_FRAME = 1024
const DEVICE_ARGS = [
  ...['--store', 'memory', '--test-hooks', '--max-body', '1024', '--max-frame', String(MAX_FRAME)],
  // Three bodies at once can exceed it: 503 overloaded is part of what the fuzz may see.
  ...['--max-inflight-bytes', '2048', '--handshake-timeout', '2'],
  ...['--rate-ip-per-minute', '1000000', '--rate-client-per-minute', '1000000'],
]
/** The time each property runs for, after a warm-up; fast-check runs in batches until it ends. */
const HTTP_BUDGET_MS = 5000
const SESSION_BUDGET_MS = 5000
const WARM_UP_MS = 1000
const BATCH_RUNS = 50
/**
 * Bound on RSS growth over the measured runs. A correct device grows by 3 to 10 MiB here (V8
 * enlarges its heap before it collects); over the 1,500 to 2,000 requests and sessions of the
 * runs, 64 MiB is crossed by anything that keeps 40 KiB or more per case: a connection, a
 * session with its Noise state and buffers, a body, a promise that never settles.
 */
const RSS_GROWTH_BOUND_KIB = 64 * 1024
const ANSWER_TIMEOUT_MS = 5000

const PROBLEM_ENTRIES = new Map(Object.values(PROBLEMS).map((entry) => [problemType(entry), entry]))
const DOCUMENTED_503: readonly ProblemEntry[] = [PROBLEMS.overloaded, PROBLEMS.storeUnavailable]

/** Why `response` breaks spec §2.6 or §2.9, or null when it does not. */
function problemFailure(response: RawResponse): string | null {
  if (response.status < 400) return null
  if (response.headers['content-type'] !== LABELS.problemContentType) {
    return `${response.status} is not problem+json: ${JSON.stringify(response.headers)}`
  }
  if (response.headOnly) return null
  const body = JSON.parse(response.body) as { type?: string; title?: string; status?: number }
  const entry = PROBLEM_ENTRIES.get(body.type ?? '')
  if (entry === undefined) return `unregistered problem type ${body.type}`
  if (entry.status !== response.status || body.status !== response.status) {
    return `${entry.name} answered with status ${response.status}`
  }
  if (body.title !== entry.title) return `${entry.name} with title ${body.title}`
  if (response.status >= 500 && !DOCUMENTED_503.includes(entry)) return `5xx: ${entry.name}`
  return null
}

function count(tally: Map<string, number>, key: string): void {
  tally.set(key, (tally.get(key) ?? 0) + 1)
}

/** Runs `property` in batches of BATCH_RUNS until `budgetMs` has passed; returns the runs. */
async function runFor<T>(budgetMs: number, property: fc.IAsyncProperty<[T]>): Promise<number> {
  const deadline = Date.now() + budgetMs
  let runs = 0
  while (Date.now() < deadline) {
    await fc.assert(property, { numRuns: BATCH_RUNS })
    runs += BATCH_RUNS
  }
  return runs
}

const device = await startDeviceProcess(t, DEVICE_ARGS)
const http = new HttpDriver(device.url, await pairClient(device.url))
const sessions = new SessionDriver(http, device.url, device.deviceId, MAX_FRAME)

t.test('bytes node:http cannot parse as a request get 400 malformed-request', async (t) => {
  const host = `host: 127.0.0.1:${device.port}\r\n`
  const post = `POST ${PATHS.pairStart} HTTP/1.1\r\n${host}content-type: application/json\r\n`
  const unparsable = {
    'an unknown method': `FROB ${PATHS.discovery} HTTP/1.1\r\n${host}\r\n`,
    'a header block over 16 KiB': `GET / HTTP/1.1\r\n${host}x: ${'a'.repeat(20_000)}\r\n\r\n`,
    'a Content-Length that is no number': `${post}content-length: ten\r\n\r\n{}`,
    'a body cut short': `${post}content-length: 100\r\n\r\n{}`,
    'a broken chunked body': `${post}transfer-encoding: chunked\r\n\r\nzz\r\n`,
  }
  for (const [name, request] of Object.entries(unparsable)) {
    const answer = await exchange(device.port, Buffer.from(request), ANSWER_TIMEOUT_MS)
    const responses = parseResponses(answer, 'POST')
    t.equal(responses.length, 1, name)
    t.equal(problemFailure(responses[0]!), null, `${name}: a registered problem`)
    t.match(JSON.parse(responses[0]!.body), { type: problemType(PROBLEMS.malformedRequest) })
  }
})

t.test('an expectation the device does not know is ignored, not answered 417', async (t) => {
  const request = `GET ${PATHS.discovery} HTTP/1.1\r\nhost: x\r\nexpect: the-unexpected\r\n\r\n`
  const answer = await exchange(device.port, Buffer.from(request), ANSWER_TIMEOUT_MS)
  const [response] = parseResponses(answer, 'GET')
  t.equal(response?.status, 200)
})

t.test('a text message that is not UTF-8 closes with 4400 malformed-frame, not 1007', async (t) => {
  for (const messageOne of ['none', 'valid'] as const) {
    const frames = [{ kind: 'text' as const, bytes: Uint8Array.of(0x80) }]
    const valid = { ticket: 'fresh', randomTicket: '', opening: 'valid', payload: null } as const
    const garbage = new Uint8Array(0)
    const outcome = await sessions.run({ ...valid, messageOne, garbage, frames })
    t.equal(outcome.closeCode, CLOSES.malformedFrame.code, `message 1: ${messageOne}`)
  }
})

t.test('no input makes the device answer 5xx, an unregistered code, crash or leak', async (t) => {
  const statuses = new Map<string, number>()
  const closes = new Map<string, number>()

  const httpProperty = fc.asyncProperty(httpBatch, async (cases: HttpCase[]) => {
    const requests = []
    for (const c of cases) requests.push(await http.prepare(c))
    const answers = await Promise.all(requests.map((request) => http.send(request)))
    for (const [i, responses] of answers.entries()) {
      const request = requests[i]!
      const sent = `${request.method} ${request.target}`
      if (responses.length === 0) throw new Error(`no answer to ${sent}`)
      for (const response of responses) {
        count(statuses, String(response.status))
        const failure = problemFailure(response)
        if (failure !== null) throw new Error(`${sent}: ${failure}`)
      }
      await http.repairIfUnpaired(request, responses)
    }
  })

  const sessionProperty = fc.asyncProperty(sessionCase, async (c: SessionCase) => {
    const outcome = await sessions.run(c)
    if (outcome.status !== 101) {
      count(closes, `refused ${outcome.status}`)
      if (outcome.expectedUpgrade) throw new Error(`a fresh ticket was refused: ${outcome.status}`)
      if (outcome.response === undefined) throw new Error('an upgrade got no answer')
      const failure = problemFailure(outcome.response)
      if (failure !== null) throw new Error(`upgrade: ${failure}`)
      return
    }
    const code = outcome.closeCode ?? null
    count(closes, String(code))
    if (!outcome.expectedUpgrade) throw new Error('upgraded without a fresh ticket')
    if (outcome.ended !== true) throw new Error('the device did not end the connection')
    if (code === null || !outcome.allowedCloses.has(code)) throw new Error(`closed with ${code}`)
  })

  await runFor(WARM_UP_MS, httpProperty)
  await runFor(WARM_UP_MS, sessionProperty)
  const rssBefore = device.rssKiB()
  const started = Date.now()
  const httpRuns = await runFor(HTTP_BUDGET_MS, httpProperty)
  const sessionRuns = await runFor(SESSION_BUDGET_MS, sessionProperty)
  const elapsed = Date.now() - started
  const rssAfter = device.rssKiB()
  t.comment(`${httpRuns} HTTP batches, ${sessionRuns} sessions in ${elapsed} ms`)
  t.comment(`HTTP statuses, warm-up included: ${JSON.stringify(Object.fromEntries(statuses))}`)
  t.comment(`session outcomes, warm-up included: ${JSON.stringify(Object.fromEntries(closes))}`)
  t.comment(`RSS after warm-up ${rssBefore} KiB, after the runs ${rssAfter} KiB`)

  t.ok(device.alive(), 'the device is still running')
  t.ok(rssAfter - rssBefore < RSS_GROWTH_BOUND_KIB, `RSS grew by ${rssAfter - rssBefore} KiB`)
  t.equal(await device.stop(), 0, 'SIGTERM: exit 0')
  t.notMatch(device.stderr(), /unhandled|uncaught/i, 'no unhandled rejection or exception')
  const lines = device.stderr().trim().split('\n')
  const notJson = lines.filter((line) => !line.startsWith('{"t":'))
  t.same(notJson, [], 'stderr holds only log lines: no crash, rejection, stack trace or warning')
  const records = lines
    .filter((line) => !notJson.includes(line))
    .map((line) => JSON.parse(line) as { level: string; event: string })
  t.same(records.filter((r) => r.level === 'error'), [], 'no internal error was logged')
})
