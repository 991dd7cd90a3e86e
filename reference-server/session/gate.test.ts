import { request, type IncomingMessage } from 'node:http'
import t, { type Test } from 'tap'
import { WebSocket } from 'ws'
import { LABELS, PATHS, PROBLEMS, problemType, type ProblemEntry } from '../../protocol/registry.ts'
import { newTicket, ticketHash } from '../../protocol/tickets.ts'
import { connect, startFixture, storeDown, until, type Fixture } from './test-fixture.ts'

async function fixture(t: Test, options?: Parameters<typeof startFixture>[0]): Promise<Fixture> {
  const f = await startFixture(options)
  t.teardown(() => f.close())
  return f
}

async function readBody(res: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of res) body += String(chunk)
  return body
}

/** Tries to open a WebSocket; resolves with the HTTP answer when the device does not upgrade. */
function refusal(url: string): Promise<{ res: IncomingMessage; body: string } | 'upgraded'> {
  const ws = new WebSocket(url, { perMessageDeflate: false })
  ws.on('error', () => {})
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.terminate()
      resolve('upgraded')
    })
    ws.once('unexpected-response', (_req, res) => {
      void readBody(res).then((body) => resolve({ res, body }))
    })
  })
}

function assertProblem(
  t: Test,
  answer: Awaited<ReturnType<typeof refusal>>,
  entry: ProblemEntry,
  what = entry.name,
) {
  if (answer === 'upgraded') return t.fail(`${what}: upgraded instead`)
  t.equal(answer.res.statusCode, entry.status, `${what}: status ${entry.status}`)
  t.equal(answer.res.headers['content-type'], LABELS.problemContentType)
  t.equal(answer.res.headers.connection, 'close')
  const expected = { type: problemType(entry), title: entry.title, status: entry.status }
  t.same(JSON.parse(answer.body), expected)
}

t.test('a valid ticket opens the WebSocket', async (t) => {
  const f = await fixture(t)
  t.equal(await refusal(f.wsUrl(`?ticket=${await f.ticket()}`)), 'upgraded')
})

t.test('no ticket or an empty one → 401 ticket-missing, no upgrade (§7.2 step 3)', async (t) => {
  const f = await fixture(t)
  for (const query of ['', '?', '?other=1', '?tickets=x', '?ticket=', '?ticket'] as const) {
    assertProblem(t, await refusal(f.wsUrl(query)), PROBLEMS.ticketMissing)
  }
})

t.test('several, malformed or unknown tickets → 401 ticket-invalid (steps 3-5)', async (t) => {
  const f = await fixture(t)
  const good = await f.ticket()
  const malformed = ['abc', good + 'A', good.slice(0, -1) + 'B', '%zz', good.replace(/./, '+')]
  const queries = [
    `?ticket=${good}&ticket=${good}`,
    ...malformed.map((ticket) => `?ticket=${ticket}`),
    `?ticket=${newTicket().ticket}`,
  ]
  for (const query of queries) {
    assertProblem(t, await refusal(f.wsUrl(query)), PROBLEMS.ticketInvalid)
  }
  t.equal(await refusal(f.wsUrl(`?ticket=${good}`)), 'upgraded', 'the refusals did not burn it')
})

t.test('a ticket opens one session only (§6: single use)', async (t) => {
  const f = await fixture(t)
  const ticket = await f.ticket()
  t.equal(await refusal(f.wsUrl(`?ticket=${ticket}`)), 'upgraded')
  assertProblem(t, await refusal(f.wsUrl(`?ticket=${ticket}`)), PROBLEMS.ticketInvalid)
})

t.test('an expired ticket → 401 ticket-invalid', async (t) => {
  const f = await fixture(t)
  const ticket = await f.ticket(20)
  await new Promise((resolve) => setTimeout(resolve, 60))
  assertProblem(t, await refusal(f.wsUrl(`?ticket=${ticket}`)), PROBLEMS.ticketInvalid)
})

t.test('a ticket of a client no longer registered → 401 ticket-invalid (step 6)', async (t) => {
  const f = await fixture(t)
  const orphan = await f.ticket(undefined, 'pwc_BBBBBBBBBBBBBBBBBBBBBA')
  assertProblem(t, await refusal(f.wsUrl(`?ticket=${orphan}`)), PROBLEMS.ticketInvalid)
  const ticket = await f.ticket()
  await f.store.removeClient(f.clientId)
  assertProblem(t, await refusal(f.wsUrl(`?ticket=${ticket}`)), PROBLEMS.ticketInvalid)
})

t.test('an unreachable store → 503 store-unavailable; the device fails closed', async (t) => {
  const f = await fixture(t)
  const ticket = await f.ticket()
  f.storeFault = storeDown()
  assertProblem(t, await refusal(f.wsUrl(`?ticket=${ticket}`)), PROBLEMS.storeUnavailable)
  f.storeFault = null
  t.equal(await refusal(f.wsUrl(`?ticket=${ticket}`)), 'upgraded')
})

t.test('a store failing unexpectedly is a logged internal error, never a crash', async (t) => {
  const f = await fixture(t)
  const ticket = await f.ticket()
  f.storeFault = new TypeError('a bug in the store')
  assertProblem(t, await refusal(f.wsUrl(`?ticket=${ticket}`)), PROBLEMS.internalError)
  t.match(f.logs.filter((l) => l.level === 'error'), [{ event: 'session.gate-error' }])
  f.storeFault = null
  t.equal(await refusal(f.wsUrl(`?ticket=${await f.ticket()}`)), 'upgraded', 'the device goes on')
})

t.test('other upgrade paths → 404 not-found', async (t) => {
  const f = await fixture(t)
  const ticket = await f.ticket()
  for (const path of ['/', `${PATHS.websocket}/`, '/pairwire/v1/WS', PATHS.rpc]) {
    assertProblem(t, await refusal(`${f.origin}${path}?ticket=${ticket}`), PROBLEMS.notFound)
  }
  t.equal(await refusal(f.wsUrl(`?ticket=${ticket}`)), 'upgraded', 'the ticket was not taken')
})

/** Sends an upgrade request with the given method and headers over plain node:http. */
function rawUpgrade(f: Fixture, ticket: string, method: string, headers: Record<string, string>) {
  const url = new URL(f.wsUrl(`?ticket=${ticket}`).replace(/^ws/, 'http'))
  return new Promise<{ res: IncomingMessage; body: string } | 'upgraded'>((resolve, reject) => {
    const req = request(url, { method, headers })
    req.on('upgrade', (_res, socket) => {
      socket.destroy()
      resolve('upgraded')
    })
    req.on('response', (res) => void readBody(res).then((body) => resolve({ res, body })))
    req.on('error', reject)
    req.end()
  })
}

t.test('not an RFC 6455 opening handshake → 400 malformed-request (step 2)', async (t) => {
  const f = await fixture(t)
  const ticket = await f.ticket()
  const valid = {
    connection: 'keep-alive, Upgrade',
    upgrade: 'WebSocket',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'sec-websocket-version': '13',
  }
  const broken: [string, Record<string, string>][] = [
    ['POST', valid],
    ['GET', { ...valid, 'sec-websocket-version': '8' }],
    ['GET', { ...valid, 'sec-websocket-key': 'short' }],
    ['GET', { ...valid, upgrade: 'h2c' }],
  ]
  for (const [method, headers] of broken) {
    const answer = await rawUpgrade(f, ticket, method, headers)
    assertProblem(t, answer, PROBLEMS.malformedRequest)
    if (answer !== 'upgraded') {
      t.equal(answer.res.headers['sec-websocket-version'], '13', 'RFC 6455 §4.4: names version 13')
    }
  }
  t.equal(await rawUpgrade(f, ticket, 'GET', valid), 'upgraded')
})

t.test('the per-IP rate limit comes first: 429 rate-limited + Retry-After (step 1)', async (t) => {
  let allowed = 1
  const ipLimiter = {
    take: (key: string) => {
      t.equal(key, '127.0.0.1', 'keyed by remote address')
      return allowed-- > 0 ? { allowed: true as const } : { allowed: false as const, retryAfter: 7 }
    },
  }
  const f = await fixture(t, { ipLimiter })
  const ticket = await f.ticket()
  t.equal(await refusal(f.wsUrl(`?ticket=${await f.ticket()}`)), 'upgraded')
  const answer = await refusal(f.wsUrl(`?ticket=${ticket}`))
  assertProblem(t, answer, PROBLEMS.rateLimited)
  if (answer !== 'upgraded') t.equal(answer.res.headers['retry-after'], '7')
  assertProblem(t, await refusal(`${f.origin}/elsewhere`), PROBLEMS.rateLimited, '§10.1: before 404')
  t.equal(await f.store.takeTicket(ticketHash(ticket)), f.clientId, 'the ticket was not taken')
})

t.test('refusals are logged without the ticket; an admitted session is audited', async (t) => {
  const f = await fixture(t)
  const ticket = await f.ticket()
  await refusal(f.wsUrl(`?ticket=${ticket}x`))
  const session = await connect(f, {}, ticket)
  session.ws.close()
  await until(() => f.ctx.sessions.size === 0)
  t.notMatch(JSON.stringify(f.logs), ticket)
  t.match(f.logs, [{ event: 'session.refused', fields: { problem: PROBLEMS.ticketInvalid.name } }])
  t.match(f.audit, [{ event: 'session.close', fields: { client_id: f.clientId, by: 'client' } }])
})

t.test('fault accept-reused-ticket: a used ticket opens again, nothing else changes', async (t) => {
  const f = await fixture(t, { faults: ['accept-reused-ticket'] })
  const ticket = await f.ticket()
  t.equal(await refusal(f.wsUrl(`?ticket=${ticket}`)), 'upgraded')
  t.equal(await refusal(f.wsUrl(`?ticket=${ticket}`)), 'upgraded', 'reused')
  assertProblem(t, await refusal(f.wsUrl('')), PROBLEMS.ticketMissing)
  assertProblem(t, await refusal(f.wsUrl(`?ticket=${newTicket().ticket}`)), PROBLEMS.ticketInvalid)
  const expired = await f.ticket(20)
  await new Promise((resolve) => setTimeout(resolve, 60))
  assertProblem(t, await refusal(f.wsUrl(`?ticket=${expired}`)), PROBLEMS.ticketInvalid)
})
