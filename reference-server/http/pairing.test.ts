// Checks spec requirements: pw-pair-5.3-open-locally
import t from 'tap'
import { fetch } from 'undici'
import { base64urlDecode, base64urlEncode } from '../../protocol/encoding.ts'
import { clientIdOf } from '../../protocol/ids.ts'
import {
  PATHS,
  PROBLEMS,
  PROTOCOL_VERSION,
  SIZES,
  type ProblemEntry,
} from '../../protocol/registry.ts'
import { M, passwordScalar } from '../../protocol/spake2/index.ts'
import { validateMessage } from '../../schemas/validate.ts'
import {
  audited,
  expectProblem,
  newClient,
  pair,
  pairFinish,
  pairStart,
  postJson,
  startDevice,
} from './test-fixture.ts'

const wrongCa = new Uint8Array(SIZES.confirmationMac)

t.test('happy path: both sides derive the same pairing key; the client is stored', async (t) => {
  const device = await startDevice(t)
  const client = newClient('Ana')
  const { pin, expiresAt } = await device.openPairingWindow(60)
  const start = await pairStart(device, client, pin)
  t.equal(start.response.status, 200)
  t.ok(validateMessage('pair-start-response', start.body).ok, 'pair-start-response schema')
  t.equal(start.body.device_key, base64urlEncode(device.ctx.identity.publicKey))
  const pairingExpiry = device.clock() + device.ctx.limits.pairing_ttl
  t.equal(start.body.expires_at, Math.min(pairingExpiry, expiresAt))
  const finish = await pairFinish(device, start.body.pairing_id, start.confirm!.cA)
  t.equal(finish.status, 200)
  const body = (await finish.json()) as Record<string, string>
  t.ok(validateMessage('pair-finish-response', body).ok, 'pair-finish-response schema')
  t.equal(body.client_id, clientIdOf(client.publicKey))
  t.equal(body.device_id, device.deviceId)
  const pairingKey = start.confirm!.verifyDeviceConfirmation(base64urlDecode(body.cB!, 32))
  const record = await device.ctx.store.getClient(body.client_id!)
  t.equal(record?.pairing_key, base64urlEncode(pairingKey), 'same pairing key on both sides')
  t.equal(record?.client_key, base64urlEncode(client.publicKey))
  t.equal(record?.name, 'Ana')
  t.equal(record?.paired_at, device.clock())
  const success = [{ client_id: body.client_id, name: 'Ana', remote: '127.0.0.1' }]
  t.same(audited(device, 'pair.success').map(({ t: _, event: __, ...fields }) => fields), success)
  const again = await pairStart(device, newClient(), pin)
  await expectProblem(t, again.response, PROBLEMS.pairingWindowClosed)
  t.pass('a window pairs at most one client')
})

t.test('no window open: pair/start is 403 pairing-window-closed', async (t) => {
  const device = await startDevice(t)
  const start = await pairStart(device, newClient(), '480613')
  await expectProblem(t, start.response, PROBLEMS.pairingWindowClosed)
})

t.test('no HTTP request of any path or method opens a window; the operator does', async (t) => {
  const device = await startDevice(t)
  const paths = [...Object.values(PATHS), '/pairwire/v1/pair', '/pairwire/v1/window', '/']
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
  const body = JSON.stringify({ v: PROTOCOL_VERSION, ttl: 60 })
  const headers = { 'content-type': 'application/json' }
  for (const path of paths) {
    for (const method of methods) {
      const init = method === 'GET' ? { method } : { method, headers, body }
      await (await fetch(device.url + path, init)).body?.cancel()
    }
  }
  const after = await pairStart(device, newClient(), '480613')
  await expectProblem(t, after.response, PROBLEMS.pairingWindowClosed)
  t.pass(`${paths.length * methods.length} requests opened no window`)
  await device.openPairingWindow()
  const opened = await pairStart(device, newClient(), '480613')
  t.equal(opened.response.status, 200, 'the operator does')
})

t.test('wrong PIN: attempts_remaining counts down; the window closes at the budget', async (t) => {
  const device = await startDevice(t, { limits: { max_pin_failures: 3 } })
  const { pin } = await device.openPairingWindow()
  const wrong = pin === '480613' ? '480614' : '480613'
  for (const remaining of [2, 1, 0]) {
    const start = await pairStart(device, newClient(), wrong)
    t.equal(start.response.status, 200, 'a wrong PIN is not visible at pair/start')
    const finish = await pairFinish(device, start.body.pairing_id, start.confirm!.cA)
    const problem = await expectProblem(t, finish, PROBLEMS.confirmationFailed)
    t.equal(problem.attempts_remaining, remaining)
  }
  const late = await pairStart(device, newClient(), pin)
  await expectProblem(t, late.response, PROBLEMS.pairingWindowClosed)
  t.same(audited(device, 'pair.failure').map((e) => e.attempts_remaining), [2, 1, 0])
})

t.test('the right PIN after a wrong one still pairs within the budget', async (t) => {
  const device = await startDevice(t)
  const { pin } = await device.openPairingWindow()
  const bad = await pairStart(device, newClient(), pin)
  const failed = await pairFinish(device, bad.body.pairing_id, wrongCa)
  await expectProblem(t, failed, PROBLEMS.confirmationFailed)
  const good = await pairStart(device, newClient(), pin)
  t.equal((await pairFinish(device, good.body.pairing_id, good.confirm!.cA)).status, 200)
})

t.test('PIN expired at pair/start (now ≥ expires_at)', async (t) => {
  const device = await startDevice(t, { limits: { pin_ttl: 1 } })
  const { pin, expiresAt } = await device.openPairingWindow()
  device.setClock(expiresAt)
  const start = await pairStart(device, newClient(), pin)
  await expectProblem(t, start.response, PROBLEMS.pairingWindowClosed)
})

t.test('PIN expired between pair/start and pair/finish', async (t) => {
  const device = await startDevice(t, { limits: { pin_ttl: 1 } })
  const { pin, expiresAt } = await device.openPairingWindow()
  const start = await pairStart(device, newClient(), pin)
  t.equal(start.response.status, 200)
  t.equal(start.body.expires_at, expiresAt, 'the answer names the window expiry, the earlier one')
  device.setClock(expiresAt)
  const finish = await pairFinish(device, start.body.pairing_id, start.confirm!.cA)
  await expectProblem(t, finish, PROBLEMS.pairingWindowClosed)
})

t.test('a real-time window with pin_ttl 1 expires within about a second', async (t) => {
  const clock = () => Math.floor(Date.now() / 1000)
  const device = await startDevice(t, { limits: { pin_ttl: 1 }, clock })
  const { pin } = await device.openPairingWindow()
  await new Promise((resolve) => setTimeout(resolve, 1050))
  const start = await pairStart(device, newClient(), pin)
  await expectProblem(t, start.response, PROBLEMS.pairingWindowClosed)
})

t.test('pairing_id is single use and expires after pairing_ttl', async (t) => {
  const device = await startDevice(t, { limits: { pairing_ttl: 5 } })
  const { pin } = await device.openPairingWindow()
  const start = await pairStart(device, newClient(), pin)
  const failed = await pairFinish(device, start.body.pairing_id, wrongCa)
  await expectProblem(t, failed, PROBLEMS.confirmationFailed)
  const reuse = await pairFinish(device, start.body.pairing_id, start.confirm!.cA)
  await expectProblem(t, reuse, PROBLEMS.unknownPairing)
  const unknown = await pairFinish(device, base64urlEncode(new Uint8Array(16)), wrongCa)
  await expectProblem(t, unknown, PROBLEMS.unknownPairing)
  const late = await pairStart(device, newClient(), pin)
  device.setClock(device.clock() + 5)
  const expired = await pairFinish(device, late.body.pairing_id, late.confirm!.cA)
  await expectProblem(t, expired, PROBLEMS.unknownPairing)
  const audits = audited(device, 'pair.failure')
  const gone = PROBLEMS.unknownPairing.name
  const expected = [PROBLEMS.confirmationFailed.name, gone, gone, gone]
  t.same(audits.map((e) => e.problem), expected, 'every refused finish is audited')
  const fields = Object.keys(audits[1]!).sort()
  t.same(fields, ['event', 'problem', 'remote', 't'], 'ids only, no secrets')
})

t.test('a pairing of a replaced window cannot finish, not even with the old PIN', async (t) => {
  const device = await startDevice(t)
  const { pin } = await device.openPairingWindow()
  const start = await pairStart(device, newClient(), pin)
  await device.openPairingWindow()
  const finish = await pairFinish(device, start.body.pairing_id, start.confirm!.cA)
  await expectProblem(t, finish, PROBLEMS.pairingWindowClosed)
  t.match(audited(device, 'pair.failure'), [{ problem: PROBLEMS.pairingWindowClosed.name }])
})

t.test('max_concurrent_pairings pending pairings: 429 with Retry-After', async (t) => {
  const device = await startDevice(t, { limits: { max_concurrent_pairings: 2 } })
  const { pin } = await device.openPairingWindow()
  for (let i = 0; i < 2; i++) {
    t.equal((await pairStart(device, newClient(), pin)).response.status, 200)
  }
  const third = await pairStart(device, newClient(), pin)
  await expectProblem(t, third.response, PROBLEMS.rateLimited)
  t.equal(third.response.headers.get('retry-after'), String(device.ctx.limits.pairing_ttl))
  const next = await pairStart(device, newClient(), (await device.openPairingWindow()).pin)
  t.equal(next.response.status, 200, 'a new window starts with no pending pairings')
})

function share(prefix: number, x: Uint8Array, y: Uint8Array): string {
  const bytes = new Uint8Array(65)
  bytes[0] = prefix
  bytes.set(x, 1)
  bytes.set(y, 33)
  return base64urlEncode(bytes)
}

t.test('every kind of invalid share is 400 invalid-share and spends no attempt', async (t) => {
  const device = await startDevice(t)
  const { pin } = await device.openPairingWindow()
  const valid = M.toBytes(false)
  const p = new Uint8Array(32).fill(0xff)
  const cases: Record<string, string> = {
    'compressed prefix 02': share(0x02, valid.subarray(1, 33), valid.subarray(33)),
    'prefix 00': share(0x00, valid.subarray(1, 33), valid.subarray(33)),
    'x not below p': share(0x04, p, valid.subarray(33)),
    'y not below p': share(0x04, valid.subarray(1, 33), p),
    identity: share(0x04, new Uint8Array(32), new Uint8Array(32)),
    'not on the curve': share(0x04, valid.subarray(1, 33), new Uint8Array(32).fill(1)),
  }
  for (const [name, pA] of Object.entries(cases)) {
    const response = await postJson(device, PATHS.pairStart, {
      v: PROTOCOL_VERSION,
      client_key: base64urlEncode(newClient().publicKey),
      client_name: 'x',
      pA,
    })
    await expectProblem(t, response, PROBLEMS.invalidShare)
    t.pass(name)
  }
  const good = await pairStart(device, newClient(), pin)
  const finish = await pairFinish(device, good.body.pairing_id, good.confirm!.cA)
  t.equal(finish.status, 200, 'window intact')
})

t.test('pA = w·M (K = identity) is answered like any share, then fails to confirm', async (t) => {
  const device = await startDevice(t)
  const { pin } = await device.openPairingWindow()
  const pA = M.multiply(passwordScalar(pin).w).toBytes(false)
  const response = await postJson(device, PATHS.pairStart, {
    v: PROTOCOL_VERSION,
    client_key: base64urlEncode(newClient().publicKey),
    client_name: 'oracle',
    pA: base64urlEncode(pA),
  })
  t.equal(response.status, 200, 'no invalid-share oracle for the right PIN')
  const body = (await response.json()) as Record<string, unknown>
  t.ok(validateMessage('pair-start-response', body).ok)
  const finish = await pairFinish(device, body.pairing_id, wrongCa)
  t.equal((await expectProblem(t, finish, PROBLEMS.confirmationFailed)).attempts_remaining, 2)
})

t.test('malformed bodies, versions, media types: refused, the window untouched', async (t) => {
  const device = await startDevice(t)
  const { pin } = await device.openPairingWindow()
  const client = newClient()
  const good = {
    v: 1,
    client_key: base64urlEncode(client.publicKey),
    client_name: 'x',
    pA: base64urlEncode(M.toBytes(false)),
  }
  const bodies: [string, unknown, ProblemEntry][] = [
    [PATHS.pairStart, { ...good, v: 2 }, PROBLEMS.unsupportedVersion],
    [PATHS.pairStart, { ...good, v: '1' }, PROBLEMS.malformedRequest],
    [PATHS.pairStart, { ...good, extra: 1 }, PROBLEMS.malformedRequest],
    [PATHS.pairStart, { ...good, pA: good.pA.slice(1) }, PROBLEMS.malformedRequest],
    [PATHS.pairStart, [good], PROBLEMS.malformedRequest],
    [PATHS.pairFinish, { v: 1, pairing_id: 'x', cA: 'y' }, PROBLEMS.malformedRequest],
  ]
  for (const [path, body, entry] of bodies) {
    await expectProblem(t, await postJson(device, path, body), entry)
  }
  const raw: [string | Buffer, string, ProblemEntry][] = [
    ['{"v":1,', JSON_TYPE, PROBLEMS.malformedRequest],
    [Buffer.from([0x22, 0xff, 0x22]), JSON_TYPE, PROBLEMS.malformedRequest],
    ['', JSON_TYPE, PROBLEMS.malformedRequest],
    [JSON.stringify(good), 'text/plain', PROBLEMS.unsupportedMediaType],
  ]
  for (const [body, type, entry] of raw) {
    await expectProblem(t, await fetchRaw(device.url + PATHS.pairStart, body, type), entry)
  }
  const charset = 'Application/JSON; charset=utf-8'
  const accepted = await fetchRaw(device.url + PATHS.pairStart, JSON.stringify(good), charset)
  t.equal(accepted.status, 200, 'media type parameters and case are accepted')
  await accepted.body?.cancel()
  const start = await pairStart(device, client, pin)
  const finish = await pairFinish(device, start.body.pairing_id, start.confirm!.cA)
  t.equal(finish.status, 200, 'no refusal spent an attempt or closed the window')
})

const JSON_TYPE = 'application/json'

function fetchRaw(url: string, body: string | Buffer, contentType: string) {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body })
}
