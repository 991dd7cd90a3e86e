// Checks spec requirements: pw-sig-8.7-fail-closed, pw-pair-5.8-store-before-answer
import { PassThrough } from 'node:stream'
import t from 'tap'
import { PATHS, PROBLEMS } from '../../protocol/registry.ts'
import type { Store } from '../store/store.ts'
import { StoreUnavailableError } from '../store/store.ts'
import {
  expectProblem,
  newClient,
  pair,
  pairFinish,
  pairStart,
  signedFetch,
  startDevice,
} from './test-fixture.ts'

const down = () => Promise.reject(new StoreUnavailableError('test: store down'))

/** Replaces one store operation for the rest of the test. */
function breakStore(store: Store, operation: keyof Store, impl: () => Promise<never> = down) {
  ;(store as unknown as Record<string, unknown>)[operation] = impl
}

t.test('store unavailable at key lookup, nonce claim or ticket put: 503', async (t) => {
  for (const operation of ['getClient', 'claim', 'putTicket'] as const) {
    const device = await startDevice(t)
    const client = await pair(device)
    breakStore(device.ctx.store, operation)
    const response = await signedFetch(device, client, { path: PATHS.tickets, body: { v: 1 } })
    await expectProblem(t, response, PROBLEMS.storeUnavailable)
    t.pass(operation)
  }
})

t.test('store unavailable at a successful finish: 503, no cB, window open', async (t) => {
  const device = await startDevice(t)
  const { pin } = await device.openPairingWindow()
  const first = await pairStart(device, newClient(), pin)
  const putClient = device.ctx.store.putClient.bind(device.ctx.store)
  breakStore(device.ctx.store, 'putClient')
  const failed = await pairFinish(device, first.body.pairing_id, first.confirm!.cA)
  const body = await expectProblem(t, failed, PROBLEMS.storeUnavailable)
  t.notOk('cB' in body)
  device.ctx.store.putClient = putClient
  const second = await pairStart(device, newClient(), pin)
  t.equal((await pairFinish(device, second.body.pairing_id, second.confirm!.cA)).status, 200)
})

t.test('a bug behind an endpoint is 500 internal-error, logged; serving goes on', async (t) => {
  const logStream = new PassThrough()
  const device = await startDevice(t, { logStream })
  const client = await pair(device)
  breakStore(device.ctx.store, 'putTicket', () => Promise.reject(new TypeError('a bug')))
  const response = await signedFetch(device, client, { path: PATHS.tickets, body: { v: 1 } })
  await expectProblem(t, response, PROBLEMS.internalError)
  const lines = String(logStream.read()).trim().split('\n').map((l) => JSON.parse(l))
  const logged = lines.find((l) => l.event === 'http.internal-error')
  t.match(logged, { level: 'error', error: 'TypeError', path: PATHS.tickets })
  const info = { jsonrpc: '2.0', id: 1, method: 'device.info' }
  const rpc = await signedFetch(device, client, { path: PATHS.rpc, body: info })
  t.equal(rpc.status, 200)
  await rpc.body?.cancel()
})
