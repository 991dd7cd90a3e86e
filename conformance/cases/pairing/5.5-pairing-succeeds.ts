/**
 * Spec §5.5, §5.8, §5.9: a pairing with the right PIN succeeds, and the device's cB verifies
 * under the keys the client derived, so the device computed w, K, TT, KcB and cB as §5.5 defines.
 */
import { pairClient } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'

export const pairingSucceeds: CaseDefinition = {
  id: '5.5-pairing-succeeds',
  level: 'MUST',
  requirement: 'pw-pair-5.5-spake2-profile',
  title: 'pairing with the right PIN succeeds and cB verifies',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    await pairClient(ctx)
    return PASS
  },
}
