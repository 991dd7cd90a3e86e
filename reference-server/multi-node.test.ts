// Checks spec requirements: pw-sec-13.4-shared-state
/**
 * Two reference devices as two real processes sharing one Redis store and one device key
 * (spec §9.3, §13): what one node accepts or revokes, the other knows at once. A signed request
 * replayed to the other node is a replayed nonce (spec §8.4 step 4), a ticket is single use
 * across nodes (spec §6.2, §7.2), and a revocation on one node closes the client's sessions on
 * the other with client-revoked within 1 s (spec §9.3), and the pairing window is one window for
 * both: its PIN, its failure budget and its single success hold across nodes (spec §5.4, §13.4).
 * Needs redis-server (never skipped).
 */
import { spawn } from 'node:child_process'
import { connect as tcpConnect } from 'node:net'
import { randomUUID } from 'node:crypto'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import t, { type Test } from 'tap'
import WebSocket from 'ws'
import { base64urlDecode, utf8Encode } from '../protocol/encoding.ts'
import { signRequest } from '../protocol/httpsig/index.ts'
import {
  CLOSES,
  PATHS,
  PROBLEMS,
  PROTOCOL_VERSION,
  problemType,
  type ProblemEntry,
} from '../protocol/registry.ts'
import {
  connect,
  pair,
  requestTicket,
  unpair,
  type Credentials,
} from '../reference-client/index.ts'
import { nodeSocketFactory } from '../reference-client/node-websocket.ts'
import { websocketUrl } from '../reference-client/urls.ts'
import { DEVICE_KEY_FILE } from './identity.ts'
import { startRedisServer } from './store/fixtures/redis-server.ts'

const CLI = new URL('./cli.ts', import.meta.url).pathname
/** Spec §9.3: a revocation closes the client's sessions on every node within 1 s. */
const REVOCATION_BOUND_MS = 1000

interface Node {
  readonly url: string
  readonly deviceId: string
  readonly stateDir: string
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-node-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Starts `pairwire-server` on a free port; reads its "listening" line; kills it at teardown. */
async function startNode(t: Test, store: string, stateDir: string): Promise<Node> {
  const args = ['--import', 'tsx', CLI, '--host', '127.0.0.1', '--port', '0', '--store', store]
  const child = spawn(process.execPath, [...args, '--state-dir', stateDir, '--test-hooks'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  // Also on a crash of this test process, which runs no teardown.
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  t.teardown(() => {
    process.off('exit', kill)
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    return exited
  })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const first = await lines.next()
  if (first.done === true) throw new Error(`pairwire-server exited with ${child.exitCode}`)
  const listening = JSON.parse(first.value) as { event: string; url: string; device_id: string }
  t.equal(listening.event, 'listening')
  return { url: listening.url, deviceId: listening.device_id, stateDir }
}

/** Node A, then node B with A's device key: one device identity on two nodes. */
async function twoNodes(t: Test, redisUrl: string): Promise<[Node, Node]> {
  const store = `${redisUrl}/0?prefix=multi-node-${randomUUID()}:`
  const [dirA, dirB] = [tempDir(t), tempDir(t)]
  const a = await startNode(t, store, dirA)
  copyFileSync(join(dirA, DEVICE_KEY_FILE), join(dirB, DEVICE_KEY_FILE))
  const b = await startNode(t, store, dirB)
  t.equal(b.deviceId, a.deviceId, 'both nodes are the same device')
  return [a, b]
}

/** Spec §12: the test-control interface opens a pairing window on `node`; returns its PIN. */
async function openWindowOn(node: Node): Promise<string> {
  const response = await fetch(node.url + PATHS.testPin, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ v: PROTOCOL_VERSION }),
  })
  return ((await response.json()) as { pin: string }).pin
}

/** Opens a window on `node`; the client pairs there. */
async function pairOn(node: Node): Promise<Credentials> {
  const pin = await openWindowOn(node)
  return pair({ url: node.url, pin, name: 'multi-node client' })
}

/** A valid, non-trivial PIN (spec §5.2) other than `pin`. */
const wrongPin = (pin: string): string => (pin === '482915' ? '730461' : '482915')

/** The problem a refused pairing ends with (reference client's ClientError), or the credentials. */
const outcomeOf = (pairing: Promise<Credentials>): Promise<Record<string, unknown>> =>
  pairing.then(
    (credentials) => ({ paired: credentials.client_id }),
    (e: unknown) => (e as { problem?: Record<string, unknown> }).problem ?? { error: String(e) },
  )

/** The same credentials, pointed at another node of the same device. */
const via = (credentials: Credentials, node: Node): Credentials => ({
  ...credentials,
  url: node.url,
})

/** One signed POST /rpc to `target`, as the exact bytes of an HTTP/1.1 request. */
function signedRpcBytes(credentials: Credentials, target: Node): string {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'pairwire.echo', params: [1] })
  const url = target.url + PATHS.rpc
  const fields = signRequest({
    request: { method: 'POST', url, headers: {}, body: utf8Encode(body) },
    keyid: credentials.client_id,
    alg: 'ed25519',
    key: base64urlDecode(credentials.client_seed),
    created: Math.floor(Date.now() / 1000),
  })
  const headers = Object.entries(fields).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  return (
    `POST ${PATHS.rpc} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nConnection: close\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `${headers}\r\n${body}`
  )
}

/** Writes `bytes` on a new connection to `node`; resolves with all it answers until it closes. */
function rawExchange(node: Node, bytes: string): Promise<string> {
  const { hostname, port } = new URL(node.url)
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(port), hostname)
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (received += chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(received))
    socket.write(bytes)
  })
}

/** The status line's code and the problem type of a raw HTTP answer. */
function answerOf(raw: string): { status: number; type?: string } {
  const status = Number(raw.slice('HTTP/1.1 '.length, 'HTTP/1.1 '.length + 3))
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4)
  const type = status >= 400 ? (JSON.parse(body) as { type: string }).type : undefined
  return type === undefined ? { status } : { status, type }
}

/** Opens the session WebSocket on `node` with `ticket`; resolves with the upgrade's outcome. */
function tryTicket(node: Node, ticket: string): Promise<{ status: number; type?: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(websocketUrl(node.url, ticket))
    socket.on('upgrade', () => {
      socket.terminate()
      resolve({ status: 101 })
    })
    socket.on('unexpected-response', (_request, response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => (text += chunk))
      response.on('end', () => {
        socket.terminate()
        const { type } = JSON.parse(text) as { type: string }
        resolve({ status: response.statusCode ?? 0, type })
      })
    })
    socket.on('error', (e) => (socket.readyState === WebSocket.CLOSED ? undefined : reject(e)))
  })
}

const redis = await startRedisServer(t)
const problemOf = (entry: ProblemEntry) => ({ status: entry.status, type: problemType(entry) })
const ticketInvalid = problemOf(PROBLEMS.ticketInvalid)

// Each test pairs its own client, so the two nodes are shared: starting a node costs seconds.
t.test('two nodes of one device on one Redis', async (t) => {
  const [a, b] = await twoNodes(t, redis.url)

  t.test('a signed request accepted by A and replayed to B is a replayed nonce', async (t) => {
    const credentials = await pairOn(a)
    const bytes = signedRpcBytes(credentials, a)
    t.same(answerOf(await rawExchange(a, bytes)), { status: 200 }, 'accepted by A')
    const replayed = answerOf(await rawExchange(b, bytes))
    t.same(replayed, problemOf(PROBLEMS.replayedNonce), 'the same bytes on B: 401 replayed-nonce')
    const fresh = signedRpcBytes(credentials, b)
    t.same(answerOf(await rawExchange(b, fresh)), { status: 200 }, 'B knows the client')
  })

  t.test('a ticket is single use across nodes', async (t) => {
    const credentials = await pairOn(a)
    const used = (await requestTicket(credentials)).ticket
    t.same(await tryTicket(a, used), { status: 101 }, 'a ticket of A opens A')
    t.same(await tryTicket(b, used), ticketInvalid, 'then B refuses it: ticket-invalid')

    // A ticket of A carried to B: the client asks A for the ticket, the socket goes to B.
    const wsA = websocketUrl(a.url, '')
    const wsB = websocketUrl(b.url, '')
    let ticketOnB = ''
    const session = await connect(credentials, {
      socketFactory: (url, refuse) => {
        ticketOnB = new URL(url).searchParams.get('ticket') ?? ''
        return nodeSocketFactory(url.replace(wsA, wsB), refuse)
      },
    })
    t.same(await session.call('pairwire.echo', { on: 'B' }), { on: 'B' }, 'a session on B')
    await session.close()
    t.same(await tryTicket(b, ticketOnB), ticketInvalid, 'used once on B: B refuses it again')
    t.same(await tryTicket(a, ticketOnB), ticketInvalid, 'and so does A')
  })

  t.test('the pairing window is shared: opened on A, started on A, finished on B', async (t) => {
    const pin = await openWindowOn(a)
    const finishes: string[] = []
    // The client talks to A; its pair/finish is carried to B, as a load balancer might.
    const acrossNodes = (url: string | URL, init?: RequestInit) => {
      const target = String(url).replace(a.url + PATHS.pairFinish, b.url + PATHS.pairFinish)
      if (target.endsWith(PATHS.pairFinish)) finishes.push(new URL(target).origin)
      return fetch(target, init)
    }
    const credentials = await pair({ url: a.url, pin, name: 'across nodes', fetch: acrossNodes })
    t.same(finishes, [new URL(b.url).origin], 'pair/finish went to B')
    const session = await connect(via(credentials, b))
    t.same(await session.call('pairwire.echo', ['paired']), ['paired'], 'B knows the client')
    await session.close()
    const again = await outcomeOf(pair({ url: b.url, pin, name: 'second' }))
    t.match(again, problemOf(PROBLEMS.pairingWindowClosed), 'the success closed it on B too')
  })

  t.test('the failure budget spans nodes: failures on A and B close the window', async (t) => {
    const pin = await openWindowOn(a)
    const remaining = []
    for (const node of [b, a, b]) {
      const failed = await outcomeOf(pair({ url: node.url, pin: wrongPin(pin), name: 'guess' }))
      t.match(failed, problemOf(PROBLEMS.confirmationFailed))
      remaining.push(failed['attempts_remaining'])
    }
    t.same(remaining, [2, 1, 0], 'attempts_remaining counts down across nodes')
    const right = await outcomeOf(pair({ url: a.url, pin, name: 'too late' }))
    t.match(right, problemOf(PROBLEMS.pairingWindowClosed), 'closed on A by failures on both')
  })

  t.test('one window pairs one client, even when two finish at once on A and B', async (t) => {
    const pin = await openWindowOn(b)
    // Each client's pair/finish is held until both clients have started, then both go at once.
    let release: () => void = () => undefined
    const bothStarted = new Promise<void>((resolve) => (release = resolve))
    let waiting = 0
    const heldFinish = async (url: string | URL, init?: RequestInit) => {
      if (String(url).endsWith(PATHS.pairFinish) && ++waiting === 2) release()
      if (String(url).endsWith(PATHS.pairFinish)) await bothStarted
      return fetch(url, init)
    }
    const racers = [a, b].map((node, i) =>
      // A pairing refused before its finish releases the other one, so the test never hangs.
      outcomeOf(pair({ url: node.url, pin, name: `racer ${i}`, fetch: heldFinish })).finally(release),
    )
    const outcomes = await Promise.all(racers)
    t.equal(waiting, 2, 'both pairings started, one on each node')
    t.equal(outcomes.filter((o) => 'paired' in o).length, 1, 'exactly one pairing succeeds')
    const refused = outcomes.filter((o) => !('paired' in o))
    t.match(refused, [problemOf(PROBLEMS.pairingWindowClosed)], 'the other: window closed')
  })

  t.test('an unpairing on A closes the session on B with client-revoked in 1 s', async (t) => {
    const credentials = await pairOn(a)
    const session = await connect(via(credentials, b))
    t.same(await session.call('pairwire.echo', ['B']), ['B'])
    const start = Date.now()
    await unpair(credentials)
    const closed = await session.closed
    const elapsed = Date.now() - start
    t.same(closed, { code: CLOSES.clientRevoked.code, reason: CLOSES.clientRevoked.reason })
    t.ok(elapsed < REVOCATION_BOUND_MS, `closed ${elapsed} ms after the unpairing on A`)
    const refused = await fetch(b.url + PATHS.tickets, { method: 'POST' })
    t.equal(refused.status, PROBLEMS.signatureMissing.status, 'B still answers')
    const forgotten = await requestTicket(via(credentials, b)).catch((e: unknown) => e)
    t.match(forgotten, { kind: 'problem' }, 'B forgot the client')
  })
})
