/**
 * Spec §5.8, §13.1: the device never sends cB unless cA verified. A wrong cA gets 403
 * confirmation-failed, and the answer carries no cB.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import { openPinWindow, pairFinish, startPairing, wrongConfirmation } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'

export const cbAfterCa: CaseDefinition = {
  id: '5.8-cb-after-ca',
  level: 'MUST',
  requirement: 'pw-pair-5.8-cb-after-ca',
  title: 'a wrong cA never yields cB',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const started = await startPairing(ctx, { pin })
    const res = await pairFinish(ctx, started.pairingId, wrongConfirmation(started), 'pair/finish, wrong cA')
    if (typeof res.json === 'object' && res.json !== null && 'cB' in res.json) {
      failCase('the device sent cB for a cA that does not verify (§5.8)', 'no cB', { status: res.status, cB: 'present' })
    }
    must(expectProblem(res, PROBLEMS.confirmationFailed))
    return PASS
  },
}
