/**
 * Spec §5.3, Table 5-1: opening a window closes the previous one. A pairing started in the old
 * window can no longer finish (403 pairing-window-closed, even with the right cA), the old PIN is
 * refused (its cA fails), and the new PIN pairs.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import { clientConfirmation, openPinWindow, pairClient, pairFinish, startPairing } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { failedAttempt } from './support.ts'

export const oneWindow: CaseDefinition = {
  id: '5.3-one-window',
  level: 'MUST',
  requirement: 'pw-pair-5.3-one-window',
  title: 'a new pairing window replaces the old one, its PIN and its pending pairings',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const oldPin = await openPinWindow(ctx)
    const pending = await startPairing(ctx, { pin: oldPin, step: 'pair/start in the old window' })
    const newPin = await openPinWindow(ctx)
    const finish = await pairFinish(ctx, pending.pairingId, clientConfirmation(pending).cA,
      'pair/finish of the old window (right cA)')
    must(expectProblem(finish, PROBLEMS.pairingWindowClosed))
    if (newPin !== oldPin) {
      must(expectProblem(await failedAttempt(ctx, oldPin, 'the old PIN'), PROBLEMS.confirmationFailed))
    }
    await pairClient(ctx, { pin: newPin })
    return PASS
  },
}
