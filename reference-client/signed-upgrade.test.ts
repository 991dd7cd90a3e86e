// Spec §7.2 signed upgrades, the reference client against the reference device.
// Checks spec requirements: pw-sess-7.2-signed-upgrade, pw-sess-7.2-signed-upgrade-replay
import { Writable } from 'node:stream'
import t from 'tap'
import WebSocket from 'ws'
import { METHODS, PROBLEMS } from '../protocol/registry.ts'
import { createDevice } from '../reference-server/device.ts'
import { connect } from './connect.ts'
import type { Credentials } from './credentials.ts'
import { pair } from './pair.ts'
import type { FetchFunction } from './platform.ts'
import { signedUpgrade } from './signed.ts'

async function paired(t: { teardown(fn: () => unknown): void }, noSignedUpgrade = false) {
  const logStream = new Writable({ write: (_chunk, _encoding, done) => done() })
  const device = await createDevice({
    host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, testHooks: true, logStream, noSignedUpgrade,
  })
  t.teardown(() => device.close())
  const { pin } = await device.openPairingWindow()
  return pair({ url: device.url, pin, name: 'signed-upgrade' })
}

/** fetch that counts the requests it sends. */
function countingFetch(): { fetch: FetchFunction; count: () => number } {
  let count = 0
  return { fetch: (url, init) => (count++, fetch(url, init)), count: () => count }
}

/** The answer to an opening handshake: 101, or the refusal's status and problem type. */
function upgradeAnswer(url: string, headers: Record<string, string>): Promise<{ status: number; type?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false })
    ws.once('open', () => (ws.terminate(), resolve({ status: 101 })))
    ws.once('unexpected-response', (_req, res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: (JSON.parse(text) as { type: string }).type }))
    })
    ws.once('error', () => {})
  })
}

const typeOf = (entry: { name: string }) => `urn:pairwire:error:${entry.name}`

async function echoes(credentials: Credentials, options: Parameters<typeof connect>[1]) {
  const session = await connect(credentials, options)
  const result = await session.call(METHODS.echo, { signed: true })
  await session.close()
  return result
}

t.test('a signed upgrade opens a session without a ticket request', async (t) => {
  const credentials = await paired(t)
  const wire = countingFetch()
  t.same(await echoes(credentials, { upgrade: 'signed', fetch: wire.fetch }), { signed: true })
  t.equal(wire.count(), 0, 'no POST /pairwire/v1/tickets')
})

t.test('a device without signed upgrades answers ticket-missing; the client then fetches a ticket', async (t) => {
  const credentials = await paired(t, true)
  const { url, headers } = await signedUpgrade(credentials)
  t.same(await upgradeAnswer(url, headers), { status: 401, type: typeOf(PROBLEMS.ticketMissing) })
  const wire = countingFetch()
  t.same(await echoes(credentials, { upgrade: 'signed', fetch: wire.fetch }), { signed: true })
  t.equal(wire.count(), 1, 'one ticket request')
})

t.test('the same signed upgrade twice: the second is refused replayed-nonce, never upgraded', async (t) => {
  const credentials = await paired(t)
  const { url, headers } = await signedUpgrade(credentials)
  t.same(await upgradeAnswer(url, headers), { status: 101 })
  t.same(await upgradeAnswer(url, headers), { status: 401, type: typeOf(PROBLEMS.replayedNonce) })
})

t.test('a signed upgrade is judged by §8.7: altered signature, other target, skewed clock', async (t) => {
  const credentials = await paired(t)
  const { url, headers } = await signedUpgrade(credentials)
  const flipped = headers['signature']!.replace(/:(.)/, (_m, c: string) => `:${c === 'A' ? 'B' : 'A'}`)
  t.same(await upgradeAnswer(url, { ...headers, signature: flipped }), { status: 401, type: typeOf(PROBLEMS.signatureInvalid) })
  const other = await signedUpgrade({ ...credentials, url: credentials.url.replace('127.0.0.1', 'localhost') })
  t.same(await upgradeAnswer(url, other.headers), { status: 401, type: typeOf(PROBLEMS.signatureInvalid) },
    'a signature over another @target-uri does not verify')
  const realNow = Date.now
  Date.now = () => realNow() - 120_000
  const stale = await signedUpgrade(credentials).finally(() => (Date.now = realNow))
  t.same(await upgradeAnswer(url, stale.headers), { status: 401, type: typeOf(PROBLEMS.clockSkew) })
  const unsigned = { 'signature-input': headers['signature-input']! }
  t.same(await upgradeAnswer(url, unsigned), { status: 401, type: typeOf(PROBLEMS.signatureMissing) })
})

t.test('a ticket parameter decides, whatever signature fields come with it', async (t) => {
  const credentials = await paired(t)
  const { url, headers } = await signedUpgrade(credentials)
  t.same(await upgradeAnswer(`${url}?ticket=${'A'.repeat(43)}`, headers), { status: 401, type: typeOf(PROBLEMS.ticketInvalid) })
  t.same(await upgradeAnswer(url, headers), { status: 101 }, 'the signature was not used up by it')
})
