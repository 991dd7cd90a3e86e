/**
 * Spec §5.4, §2.7: once pin_ttl has passed, pair/start with the right PIN gets 403
 * pairing-window-closed. Waits the advertised pin_ttl.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { limitOf, outlast } from '../../drivers/advertised.ts'
import { expectProblem } from '../../drivers/http.ts'
import { advertisedDeviceKey, newClientKeys, openPinWindow, pairStart, pairStartBody } from '../../drivers/pairing.ts'
import { startClientPairing } from '../../../protocol/spake2/index.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'

export const ttlAtStart: CaseDefinition = {
  id: '5.4-ttl-at-start',
  level: 'MUST',
  requirement: 'pw-pair-5.4-ttl-at-start',
  title: 'pair/start after pin_ttl gets 403 pairing-window-closed',
  profiles: ['pairing'],
  needsPin: true,
  waitSeconds: (target) => limitOf(target, 'pin_ttl') + 1,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    await outlast(limitOf(ctx.target, 'pin_ttl'))
    const keys = newClientKeys()
    const { pA } = startClientPairing({ pin, clientKey: keys.publicKey, deviceKey: advertisedDeviceKey(ctx) })
    const res = await pairStart(ctx, pairStartBody(keys, pA), 'pair/start after pin_ttl')
    must(expectProblem(res, PROBLEMS.pairingWindowClosed))
    return PASS
  },
}
