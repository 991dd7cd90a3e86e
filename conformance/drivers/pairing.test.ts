/**
 * The pairing driver against the in-test device (test-device.ts): a pairing with the right PIN
 * yields the device's pairing key; a wrong PIN, a cB that does not verify, and a missing PIN
 * source each end the case with the right verdict, never an exception.
 */
import t from 'tap'
import { PROBLEMS } from '../../protocol/registry.ts'
import { expectProblem } from './http.ts'
import {
  clientConfirmation, newClientKeys, openPinWindow, pairClient, pairFinish, startPairing, wrongConfirmation,
} from './pairing.ts'
import { startTestDevice } from './test-device.ts'
import { testContext } from './test-support.ts'
import { CaseFailure } from '../verdicts.ts'

const PIN = '294017'

async function verdictOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
    return 'no verdict'
  } catch (error) {
    return error instanceof CaseFailure ? error.verdict : error
  }
}

t.test('pairClient pairs with the right PIN and derives the device pairing key', async (t) => {
  const device = await startTestDevice({ pin: PIN })
  t.teardown(device.close)
  const ctx = await testContext(device.url)
  const keys = newClientKeys()
  const client = await pairClient(ctx, { keys })
  t.equal(client.clientId, keys.clientId)
  t.equal(client.deviceId, device.deviceId)
  t.same(client.pairingKey, device.clients.get(client.clientId)!.pairingKey)
  t.ok(ctx.exchanges.some((e) => e.step === 'pair/finish (setup)'), 'the exchanges are recorded')
})

t.test('a wrong PIN fails the case at pair/finish with the device answer', async (t) => {
  const device = await startTestDevice({ pin: PIN })
  t.teardown(device.close)
  const ctx = await testContext(device.url)
  const verdict = (await verdictOf(pairClient(ctx, { pin: '294018' }))) as { status: string; message: string }
  t.equal(verdict.status, 'fail')
  t.match(verdict.message, /expected HTTP 200/)
})

t.test('a cB that does not verify fails the case', async (t) => {
  const device = await startTestDevice({ pin: PIN, faults: { wrongCb: true } })
  t.teardown(device.close)
  const ctx = await testContext(device.url)
  const verdict = (await verdictOf(pairClient(ctx))) as { status: string; message: string }
  t.equal(verdict.status, 'fail')
  t.match(verdict.message, /cB does not verify/)
})

t.test('the single steps let a case send a wrong cA and reuse a pairing_id', async (t) => {
  const device = await startTestDevice({ pin: PIN })
  t.teardown(device.close)
  const ctx = await testContext(device.url)
  const started = await startPairing(ctx, { pin: await openPinWindow(ctx) })
  t.not(wrongConfirmation(started), clientConfirmation(started).cA)
  t.equal(expectProblem(await pairFinish(ctx, started.pairingId, wrongConfirmation(started)),
    PROBLEMS.confirmationFailed), null)
  t.equal(expectProblem(await pairFinish(ctx, started.pairingId, clientConfirmation(started).cA),
    PROBLEMS.unknownPairing), null)
})

t.test('without a PIN source the case is skipped with the reason', async (t) => {
  const device = await startTestDevice()
  t.teardown(device.close)
  const ctx = await testContext(device.url)
  const verdict = await verdictOf(openPinWindow({ ...ctx, pins: { kind: 'none', openWindow: () => Promise.reject(new Error('none')) } }))
  t.same(verdict, { status: 'skip', reason: 'needs a PIN: pass --pin-command or --test-control' })
})
