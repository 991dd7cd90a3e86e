/**
 * Each fault switch of the HTTP side changes exactly its rule: the same request is checked
 * without the fault (the rule holds) and with it (the rule is off).
 */
import t from 'tap'
import { base64urlEncode } from '../../protocol/encoding.ts'
import { newNonce } from '../../protocol/httpsig/index.ts'
import { PATHS, PROBLEMS, PROTOCOL_VERSION, SIZES, problemType } from '../../protocol/registry.ts'
import type { FaultName } from '../faults.ts'
import {
  expectProblem,
  newClient,
  pair,
  pairFinish,
  pairStart,
  postJson,
  rawExchange,
  signedFetch,
  startDevice,
  type Tap,
  type TestDevice,
} from './test-fixture.ts'

const withFault = (t: Tap, fault: FaultName, limits = {}) =>
  startDevice(t, { testHooks: true, faults: [fault], limits })
const echo = { jsonrpc: '2.0', id: 1, method: 'pairwire.echo', params: {} }
const wrongCa = new Uint8Array(SIZES.confirmationMac)

async function statusOf(response: { status: number; body: { cancel(): Promise<void> } | null }) {
  await response.body?.cancel()
  return response.status
}

async function replay(device: TestDevice) {
  const client = await pair(device)
  const nonce = newNonce()
  await statusOf(await signedFetch(device, client, { path: PATHS.rpc, body: echo, nonce }))
  return signedFetch(device, client, { path: PATHS.rpc, body: echo, nonce })
}

t.test('accept-reused-nonce', async (t) => {
  await expectProblem(t, await replay(await startDevice(t)), PROBLEMS.replayedNonce)
  t.equal(await statusOf(await replay(await withFault(t, 'accept-reused-nonce'))), 200)
})

async function skewed(device: TestDevice) {
  const client = await pair(device)
  const created = device.clock() - 3600
  return signedFetch(device, client, { path: PATHS.rpc, body: echo, created })
}

t.test('skip-skew-check', async (t) => {
  await expectProblem(t, await skewed(await startDevice(t)), PROBLEMS.clockSkew)
  t.equal(await statusOf(await skewed(await withFault(t, 'skip-skew-check'))), 200)
})

async function wrongPins(device: TestDevice, attempts: number) {
  const { pin } = await device.openPairingWindow()
  for (let i = 0; i < attempts; i++) {
    const start = await pairStart(device, newClient(), pin)
    await statusOf(await pairFinish(device, start.body.pairing_id, wrongCa))
  }
  return pairStart(device, newClient(), pin)
}

t.test('no-pin-failure-budget', async (t) => {
  const closed = await wrongPins(await startDevice(t), 3)
  await expectProblem(t, closed.response, PROBLEMS.pairingWindowClosed)
  t.equal((await wrongPins(await withFault(t, 'no-pin-failure-budget'), 5)).response.status, 200)
})

async function expiredStart(device: TestDevice) {
  const { pin, expiresAt } = await device.openPairingWindow()
  device.setClock(expiresAt)
  return pairStart(device, newClient(), pin)
}

async function expiredFinish(device: TestDevice) {
  // A window shorter than pairing_ttl, so that only the window has expired at finish.
  const { pin, expiresAt } = await device.openPairingWindow(10)
  const start = await pairStart(device, newClient(), pin)
  device.setClock(expiresAt)
  return pairFinish(device, start.body.pairing_id, start.confirm!.cA)
}

t.test('pin-never-expires (at start and at finish)', async (t) => {
  const start = await expiredStart(await startDevice(t))
  await expectProblem(t, start.response, PROBLEMS.pairingWindowClosed)
  await expectProblem(t, await expiredFinish(await startDevice(t)), PROBLEMS.pairingWindowClosed)
  t.equal((await expiredStart(await withFault(t, 'pin-never-expires'))).response.status, 200)
  t.equal(await statusOf(await expiredFinish(await withFault(t, 'pin-never-expires'))), 200)
})

t.test('skip-ttl-check-at-finish (start still checks)', async (t) => {
  const faulty = await withFault(t, 'skip-ttl-check-at-finish')
  t.equal(await statusOf(await expiredFinish(faulty)), 200)
  await expectProblem(t, (await expiredStart(faulty)).response, PROBLEMS.pairingWindowClosed)
})

async function wrongPinFinish(device: TestDevice) {
  const { pin } = await device.openPairingWindow()
  const start = await pairStart(device, newClient(), pin)
  return pairFinish(device, start.body.pairing_id, wrongCa)
}

t.test('reveal-cb-before-ca', async (t) => {
  await expectProblem(t, await wrongPinFinish(await startDevice(t)), PROBLEMS.confirmationFailed)
  const device = await withFault(t, 'reveal-cb-before-ca')
  const response = await wrongPinFinish(device)
  t.equal(response.status, 200)
  const body = (await response.json()) as { cB?: string }
  t.equal(body.cB?.length, 43, 'a cB is revealed for an unverified cA')
  t.same(await device.ctx.store.listClients(), [], 'nothing is stored')
})

async function invalidShare(device: TestDevice) {
  await device.openPairingWindow()
  const pA = new Uint8Array(SIZES.p256UncompressedPoint)
  pA[0] = 0x04
  return postJson(device, PATHS.pairStart, {
    v: PROTOCOL_VERSION,
    client_key: base64urlEncode(newClient().publicKey),
    client_name: 'x',
    pA: base64urlEncode(pA),
  })
}

t.test('invalid-share-500', async (t) => {
  await expectProblem(t, await invalidShare(await startDevice(t)), PROBLEMS.invalidShare)
  const faulty = await withFault(t, 'invalid-share-500')
  await expectProblem(t, await invalidShare(faulty), PROBLEMS.internalError)
})

async function unpairThenCall(device: TestDevice) {
  const client = await pair(device)
  await statusOf(await signedFetch(device, client, { method: 'DELETE', path: PATHS.clientsSelf }))
  return signedFetch(device, client, { path: PATHS.rpc, body: echo })
}

t.test('ignore-revocation (HTTP side: the client keeps working)', async (t) => {
  await expectProblem(t, await unpairThenCall(await startDevice(t)), PROBLEMS.unknownKey)
  t.equal(await statusOf(await unpairThenCall(await withFault(t, 'ignore-revocation'))), 200)
})

function oversized(device: TestDevice) {
  const body = JSON.stringify({ v: 1, pad: 'x'.repeat(2000) })
  const head = [
    `POST ${PATHS.pairStart} HTTP/1.1`,
    'host: 127.0.0.1',
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ]
  return rawExchange(device, head.join('\r\n') + '\r\n\r\n' + body)
}

t.test('accept-oversized-body', async (t) => {
  const limits = { max_body: 1024 }
  const refused = await oversized(await startDevice(t, { limits }))
  t.ok(refused.includes(problemType(PROBLEMS.bodyTooLarge)))
  const answer = await oversized(await withFault(t, 'accept-oversized-body', limits))
  t.ok(answer.includes(problemType(PROBLEMS.malformedRequest)), 'the body was read and parsed')
})

async function burst(device: TestDevice) {
  const statuses = []
  for (let i = 0; i < 3; i++) {
    statuses.push(await statusOf(await postJson(device, PATHS.discovery, {})))
  }
  return statuses
}

t.test('no-rate-limit', async (t) => {
  const limits = { rate_ip_per_minute: 2 }
  const [wrongMethod, limited] = [PROBLEMS.methodNotAllowed.status, PROBLEMS.rateLimited.status]
  t.same(await burst(await startDevice(t, { limits })), [wrongMethod, wrongMethod, limited])
  const faulty = await withFault(t, 'no-rate-limit', limits)
  t.same(await burst(faulty), [wrongMethod, wrongMethod, wrongMethod])
})

async function forgedThenValid(device: TestDevice) {
  const client = await pair(device)
  const other = await pair(device)
  const nonce = newNonce()
  const forged = { ...other, clientId: client.clientId }
  await statusOf(await signedFetch(device, forged, { path: PATHS.rpc, body: echo, nonce }))
  return signedFetch(device, client, { path: PATHS.rpc, body: echo, nonce })
}

t.test('claim-nonce-before-verify', async (t) => {
  t.equal(await statusOf(await forgedThenValid(await startDevice(t))), 200)
  const faulty = await withFault(t, 'claim-nonce-before-verify')
  await expectProblem(t, await forgedThenValid(faulty), PROBLEMS.replayedNonce)
})
