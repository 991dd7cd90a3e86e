/**
 * Spec §5.4: max_pin_failures failed confirmations close the window. Afterwards a pairing started
 * before with the right PIN cannot finish, and pair/start with the right PIN gets 403
 * pairing-window-closed.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { startClientPairing } from '../../../protocol/spake2/index.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { expectProblem } from '../../drivers/http.ts'
import {
  advertisedDeviceKey,
  clientConfirmation,
  newClientKeys,
  openPinWindow,
  pairFinish,
  pairStart,
  pairStartBody,
  startPairing,
} from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { failedAttempt, wrongPin } from './support.ts'

export const failureBudget: CaseDefinition = {
  id: '5.4-failure-budget',
  level: 'MUST',
  requirement: 'pw-pair-5.4-failure-budget',
  title: 'max_pin_failures wrong PINs close the window, even for the right PIN',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const early = await startPairing(ctx, { pin, step: 'pair/start with the right PIN, early' })
    const max = limitOf(ctx.target, 'max_pin_failures')
    for (let i = 1; i <= max; i++) {
      must(expectProblem(await failedAttempt(ctx, wrongPin(pin), `wrong PIN ${i}/${max}`),
        PROBLEMS.confirmationFailed))
    }
    const late = await pairFinish(ctx, early.pairingId, clientConfirmation(early).cA,
      'pair/finish of the early pairing (right cA)')
    must(expectProblem(late, PROBLEMS.pairingWindowClosed))
    const keys = newClientKeys()
    const { pA } = startClientPairing({ pin, clientKey: keys.publicKey, deviceKey: advertisedDeviceKey(ctx) })
    const res = await pairStart(ctx, pairStartBody(keys, pA), 'pair/start with the right PIN')
    must(expectProblem(res, PROBLEMS.pairingWindowClosed))
    return PASS
  },
}
