/**
 * Spec §5.8 step 2: pair/finish with a pairing_id the device never issued gets 404
 * unknown-pairing. pairing_id is looked up before the window, so no PIN is needed.
 */
import { base64urlEncode } from '../../../protocol/encoding.ts'
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { PROBLEMS, SIZES } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairFinish } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'

export const unknownPairing: CaseDefinition = {
  id: '5.8-unknown-pairing',
  level: 'MUST',
  requirement: 'pw-pair-5.8-unknown-pairing',
  title: 'pair/finish with an unknown pairing_id gets 404 unknown-pairing',
  profiles: ['pairing'],
  async run(ctx) {
    const pairingId = base64urlEncode(defaultBackend.randomBytes(SIZES.signatureNonce))
    const cA = defaultBackend.randomBytes(SIZES.confirmationMac)
    must(expectProblem(await pairFinish(ctx, pairingId, cA, 'pair/finish, unknown pairing_id'),
      PROBLEMS.unknownPairing))
    return PASS
  },
}
