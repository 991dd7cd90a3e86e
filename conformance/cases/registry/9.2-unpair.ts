/** Spec §9.2: a signed DELETE /pairwire/v1/clients/self gets 204 with no body. */
import { expectStatus } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { unpair } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'

export const unpairSelf: CaseDefinition = {
  id: '9.2-unpair',
  level: 'MUST',
  requirement: 'pw-reg-9.2-unpair',
  title: 'DELETE clients/self gets 204',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const res = await unpair(ctx, client)
    must(expectStatus(res, 204))
    if (res.bodyText.length > 0) failCase('204 carries no body (§9.2)', '', res.bodyText.slice(0, 200))
    return PASS
  },
}
