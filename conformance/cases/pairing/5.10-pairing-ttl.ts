/**
 * Spec §5.10: a pending pairing lives pairing_ttl seconds. pair/finish after that, even with the
 * right cA, gets 404 unknown-pairing (looked up before the window, §5.8). Waits the advertised
 * pairing_ttl.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { limitOf, outlast } from '../../drivers/advertised.ts'
import { expectProblem } from '../../drivers/http.ts'
import { clientConfirmation, openPinWindow, pairFinish, startPairing } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'

export const pairingTtl: CaseDefinition = {
  id: '5.10-pairing-ttl',
  level: 'MUST',
  requirement: 'pw-pair-5.10-pairing-ttl',
  title: 'pair/finish after pairing_ttl gets 404 unknown-pairing',
  profiles: ['pairing'],
  needsPin: true,
  waitSeconds: (target) => limitOf(target, 'pairing_ttl') + 1,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const started = await startPairing(ctx, { pin })
    const { cA } = clientConfirmation(started)
    await outlast(limitOf(ctx.target, 'pairing_ttl'))
    must(expectProblem(await pairFinish(ctx, started.pairingId, cA, 'pair/finish after pairing_ttl'),
      PROBLEMS.unknownPairing))
    return PASS
  },
}
