/**
 * Spec §5.5: the device draws y afresh for every pairing attempt, so two pair/start requests
 * with the same pA get different shares pB = y·P + w·N.
 */
import { startClientPairing } from '../../../protocol/spake2/index.ts'
import { advertisedDeviceKey, newClientKeys, openPinWindow, pairStart, pairStartBody, readStartResponse, sameBytes } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'

export const freshScalars: CaseDefinition = {
  id: '5.5-fresh-scalars',
  level: 'MUST',
  requirement: 'pw-pair-5.5-fresh-scalars',
  title: 'two pair/start requests with the same pA get different pB',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const keys = newClientKeys()
    const { pA } = startClientPairing({ pin, clientKey: keys.publicKey, deviceKey: advertisedDeviceKey(ctx) })
    const body = pairStartBody(keys, pA)
    const first = readStartResponse(ctx, await pairStart(ctx, body, 'pair/start with pA'))
    const second = readStartResponse(ctx, await pairStart(ctx, body, 'pair/start with the same pA'))
    if (sameBytes(first.pB, second.pB)) failCase('pB repeated: y is not fresh (§5.5)', 'two different pB', 'the same pB')
    if (first.pairingId === second.pairingId) {
      failCase('pairing_id repeated (§5.7)', 'two different pairing_id', 'the same pairing_id')
    }
    return PASS
  },
}
