/**
 * Spec §5.4: a window pairs at most one client. After a successful pairing, pair/start with the
 * same PIN gets 403 pairing-window-closed.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { startClientPairing } from '../../../protocol/spake2/index.ts'
import { expectProblem } from '../../drivers/http.ts'
import { advertisedDeviceKey, newClientKeys, openPinWindow, pairClient, pairStart, pairStartBody } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'

export const singleSuccess: CaseDefinition = {
  id: '5.4-single-success',
  level: 'MUST',
  requirement: 'pw-pair-5.4-single-success',
  title: 'the PIN of a window that paired a client is refused',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    await pairClient(ctx, { pin })
    const keys = newClientKeys()
    const { pA } = startClientPairing({ pin, clientKey: keys.publicKey, deviceKey: advertisedDeviceKey(ctx) })
    const res = await pairStart(ctx, pairStartBody(keys, pA), 'pair/start with the used PIN')
    must(expectProblem(res, PROBLEMS.pairingWindowClosed))
    return PASS
  },
}
