/**
 * Spec §5.8 step 3: pair/finish consumes the pairing whatever the outcome. After a failed
 * confirmation, a second pair/finish with the same pairing_id — now with the right cA — gets 404
 * unknown-pairing (a device that kept the pairing would pair the client).
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import { clientConfirmation, openPinWindow, pairFinish, startPairing, wrongConfirmation } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'

export const singleUse: CaseDefinition = {
  id: '5.8-single-use',
  level: 'MUST',
  requirement: 'pw-pair-5.8-single-use',
  title: 'a pairing_id allows one pair/finish, whatever its outcome',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const started = await startPairing(ctx, { pin })
    const first = await pairFinish(ctx, started.pairingId, wrongConfirmation(started), 'pair/finish, wrong cA')
    must(expectProblem(first, PROBLEMS.confirmationFailed))
    const again = await pairFinish(ctx, started.pairingId, clientConfirmation(started).cA,
      'pair/finish again, same pairing_id, right cA')
    must(expectProblem(again, PROBLEMS.unknownPairing))
    return PASS
  },
}
