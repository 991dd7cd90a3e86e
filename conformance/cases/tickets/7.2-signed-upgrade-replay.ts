/**
 * Spec §7.2 (pw-sess-7.2-signed-upgrade-replay): the nonce of a signed upgrade is claimed in the
 * replay store, so the same signed upgrade sent again is refused 401 replayed-nonce and opens no
 * second socket.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { acceptedUpgrade, expectUpgradeRefused, signUpgrade } from './signed-upgrade.ts'

export const signedUpgradeReplay: CaseDefinition = {
  id: '7.2-signed-upgrade-replay',
  level: 'MUST',
  requirement: 'pw-sess-7.2-signed-upgrade-replay',
  title: 'a signed upgrade sent twice: the second gets 401 replayed-nonce and no upgrade',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const signed = signUpgrade(ctx, client)
    ;(await acceptedUpgrade(ctx, signed, 'signed upgrade')).terminate()
    must(await expectUpgradeRefused(ctx, signed, PROBLEMS.replayedNonce, 'the same signed upgrade again'))
    return PASS
  },
}
