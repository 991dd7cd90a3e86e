/**
 * Spec §6.5, §9.3: once a client is unpaired, its outstanding tickets get 401 ticket-invalid
 * although they have not expired.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectStatus } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { getTicket } from '../../drivers/session.ts'
import { unpair } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectGateRefusal } from './support.ts'

export const ticketRevocation: CaseDefinition = {
  id: '6.5-revocation',
  level: 'MUST',
  requirement: 'pw-ticket-6.5-revocation',
  title: "an unpaired client's outstanding ticket gets 401 ticket-invalid",
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const ticket = await getTicket(ctx, client)
    must(expectStatus(await unpair(ctx, client), 204))
    must(await expectGateRefusal(ctx, `?ticket=${ticket}`, PROBLEMS.ticketInvalid, 'upgrade after unpairing'))
    return PASS
  },
}
