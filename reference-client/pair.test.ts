// Checks spec requirements: pw-disc-4.4-client-version-check
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../protocol/encoding.ts'
import { clientIdOf } from '../protocol/ids.ts'
import { PATHS, PROBLEMS, problemType } from '../protocol/registry.ts'
import { parseCredentials } from './credentials.ts'
import { ClientError } from './errors.ts'
import { pair, type PairOptions } from './pair.ts'
import { FAKE_PIN, startFakeDevice, type FakeDeviceOptions } from './test-fixture.ts'

async function device(t: { teardown(fn: () => unknown): void }, options: FakeDeviceOptions = {}) {
  const fake = await startFakeDevice(options)
  t.teardown(() => fake.close())
  return fake
}

type Json = Record<string, unknown>

function flipLastByte(b64u: string): string {
  const bytes = base64urlDecode(b64u)
  bytes[bytes.length - 1]! ^= 1
  return base64urlEncode(bytes)
}

async function refusal(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ClientError) return error
    throw error
  }
  throw new Error('expected a ClientError')
}

t.test('pairing with the right PIN yields consistent credentials', async (t) => {
  const fake = await device(t)
  const clientSeed = defaultBackend.randomBytes(32)
  const url = fake.url + '/ignored/path'
  const credentials = await pair({ url, pin: FAKE_PIN, name: 'tester', clientSeed })
  t.equal(credentials.v, 1)
  t.equal(credentials.url, fake.url, 'only the origin is kept')
  t.equal(credentials.device_id, fake.deviceId)
  t.equal(credentials.device_key, base64urlEncode(fake.deviceKey))
  t.equal(credentials.client_seed, base64urlEncode(clientSeed))
  t.equal(credentials.client_id, clientIdOf(defaultBackend.ed25519PublicKey(clientSeed)))
  t.equal(credentials.name, 'tester')
  t.ok(Math.abs(credentials.paired_at - Date.now() / 1000) < 5)
  const stored = fake.clients.get(credentials.client_id)!
  t.equal(credentials.pairing_key, base64urlEncode(stored.pairingKey), 'both sides hold one key')
  t.same(parseCredentials(JSON.parse(JSON.stringify(credentials))), credentials, 'they parse back')
})

t.test('a fresh client key is drawn for every pairing', async (t) => {
  const fake = await device(t)
  const a = await pair({ url: fake.url, pin: FAKE_PIN, name: 'a' })
  const b = await pair({ url: fake.url, pin: FAKE_PIN, name: 'b' })
  t.not(a.client_seed, b.client_seed)
  t.not(a.client_id, b.client_id)
})

t.test('a cB that does not verify is a device-verification failure naming cB', async (t) => {
  const finishAnswer = (a: Json) => ({ ...a, cB: flipLastByte(a.cB as string) })
  const fake = await device(t, { finishAnswer })
  const error = await refusal(pair({ url: fake.url, pin: FAKE_PIN, name: 'tester' }))
  t.equal(error.kind, 'device-verification')
  t.equal(error.what, 'cB')
})

t.test('a pair/start answer with another device key is refused before cA is sent', async (t) => {
  const otherKey = defaultBackend.ed25519PublicKey(defaultBackend.randomBytes(32))
  let finishes = 0
  const fake = await device(t, {
    startAnswer: (a) => ({ ...a, device_key: base64urlEncode(otherKey) }),
    finishAnswer: (a) => (finishes++, a),
  })
  const error = await refusal(pair({ url: fake.url, pin: FAKE_PIN, name: 'tester' }))
  t.equal(error.kind, 'device-verification')
  t.equal(error.what, 'device-key')
  t.equal(finishes, 0, 'pair/finish never reached')
})

t.test('ids that are not the fingerprints of the keys are refused', async (t) => {
  const other = 'pwc_' + 'A'.repeat(22)
  const fake = await device(t, { finishAnswer: (a) => ({ ...a, client_id: other }) })
  t.equal((await refusal(pair({ url: fake.url, pin: FAKE_PIN, name: 'x' }))).what, 'client-id')

  const otherDevice = 'pwd_' + 'A'.repeat(22)
  const fake2 = await device(t, { finishAnswer: (a) => ({ ...a, device_id: otherDevice }) })
  t.equal((await refusal(pair({ url: fake2.url, pin: FAKE_PIN, name: 'x' }))).what, 'device-id')
})

t.test('answers that fail their schema are device-verification failures', async (t) => {
  const what = async (options: FakeDeviceOptions) => {
    const fake = await device(t, options)
    return (await refusal(pair({ url: fake.url, pin: FAKE_PIN, name: 'x' }))).what
  }
  t.equal(await what({ startAnswer: (a) => ({ ...a, extra: true }) }), 'pair-start-response')
  t.equal(await what({ finishAnswer: ({ cB: _cB, ...rest }) => rest }), 'pair-finish-response')
  const notAPoint = base64urlEncode(new Uint8Array(65).fill(4))
  t.equal(await what({ startAnswer: (a) => ({ ...a, pB: notAPoint }) }), 'pB')
})

t.test('a discovery document whose device_id is not its key fingerprint is refused', async (t) => {
  const fake = await device(t)
  const original = globalThis.fetch
  const fetch = async (url: string, init?: RequestInit) => {
    const response = await original(url, init)
    if (!url.endsWith(PATHS.discovery)) return response
    const body = { ...(await response.json()), device_id: 'pwd_' + 'A'.repeat(22) }
    return new Response(JSON.stringify(body), { status: 200 })
  }
  const error = await refusal(pair({ url: fake.url, pin: FAKE_PIN, name: 'x', fetch }))
  t.equal(error.what, 'device-id')
})

t.test('a device whose versions lack 1 is refused before pair/start', async (t) => {
  const fake = await device(t)
  const original = globalThis.fetch
  for (const versions of [[2], [2, 3], []]) {
    const sent: string[] = []
    const fetch = async (url: string, init?: RequestInit) => {
      sent.push(new URL(url).pathname)
      const response = await original(url, init)
      if (!url.endsWith(PATHS.discovery)) return response
      return new Response(JSON.stringify({ ...(await response.json()), versions }), { status: 200 })
    }
    const error = await refusal(pair({ url: fake.url, pin: FAKE_PIN, name: 'x', fetch }))
    t.equal(error.kind, 'device-verification', `versions ${JSON.stringify(versions)}`)
    t.equal(error.what, 'discovery')
    t.same(sent, [PATHS.discovery], 'nothing is sent after discovery')
  }
  t.equal(fake.clients.size, 0, 'the device paired nobody')
  const paired = await pair({ url: fake.url, pin: FAKE_PIN, name: 'x' })
  t.ok(fake.clients.has(paired.client_id), 'with the fake device\'s own versions, [1], it pairs')
})

t.test('a wrong PIN is the confirmation-failed problem with attempts_remaining', async (t) => {
  const fake = await device(t)
  const error = await refusal(pair({ url: fake.url, pin: '111112', name: 'x' }))
  t.equal(error.kind, 'problem')
  t.equal(error.problem!.type, problemType(PROBLEMS.confirmationFailed))
  t.equal(error.problem!.status, PROBLEMS.confirmationFailed.status)
  t.equal(error.problem!.attempts_remaining, 2)
  t.equal(fake.clients.size, 0)
})

t.test('refusals of pair/start keep their type, status and members', async (t) => {
  for (const entry of [PROBLEMS.pairingWindowClosed, PROBLEMS.rateLimited, PROBLEMS.invalidShare]) {
    const problems = { [PATHS.pairStart]: { entry, extras: { detail: 'why' } } }
    const fake = await device(t, { problems })
    const error = await refusal(pair({ url: fake.url, pin: FAKE_PIN, name: 'x' }))
    t.equal(error.kind, 'problem')
    const { title, status } = entry
    t.same(error.problem, { type: problemType(entry), title, status, detail: 'why' })
    t.match(error.message, entry.name)
  }
})

t.test('an answer that is not a problem is typed about:blank with its status', async (t) => {
  const headers = { 'content-type': 'text/html' }
  const fetch = async () => new Response('<html>', { status: 502, headers })
  const error = await refusal(pair({ url: 'http://127.0.0.1:1', pin: FAKE_PIN, name: 'x', fetch }))
  t.equal(error.kind, 'problem')
  t.same(error.problem, { type: 'about:blank', status: 502 })
})

t.test('a redirect is never followed', async (t) => {
  const fake = await device(t)
  const redirector = createServer((req, res) => {
    res.writeHead(307, { location: fake.url + req.url })
    res.end()
  })
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => redirector.close(resolve)))
  const { port } = redirector.address() as AddressInfo
  const error = await refusal(pair({ url: `http://127.0.0.1:${port}`, pin: FAKE_PIN, name: 'x' }))
  t.equal(error.kind, 'transport')
})

t.test('an unreachable device is a transport error', async (t) => {
  const fake = await startFakeDevice()
  await fake.close()
  const error = await refusal(pair({ url: fake.url, pin: FAKE_PIN, name: 'x' }))
  t.equal(error.kind, 'transport')
})

t.test('bad arguments are usage errors and send nothing', async (t) => {
  let requests = 0
  const fetch = async () => (requests++, new Response('{}'))
  const base = { url: 'http://127.0.0.1:1', pin: FAKE_PIN, name: 'x', fetch }
  const cases: [Partial<PairOptions>, RegExp][] = [
    [{ pin: '12345' }, /PIN/],
    [{ pin: '12345a' }, /PIN/],
    [{ name: '' }, /name/],
    [{ name: 'n'.repeat(65) }, /name/],
    [{ url: 'ftp://127.0.0.1:1' }, /http/],
    [{ url: 'not a url' }, /URL/],
    [{ clientSeed: new Uint8Array(31) }, /seed/],
  ]
  for (const [options, message] of cases) {
    const error = await refusal(pair({ ...base, ...options }))
    t.equal(error.kind, 'usage')
    t.match(error.message, message)
  }
  t.equal(requests, 0)
  const longName = await refusal(pair({ ...base, name: '🔑'.repeat(64) }))
  t.not(longName.kind, 'usage', '64 code points is a valid name')
})
