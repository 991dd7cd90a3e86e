/**
 * Spec §7.2: a request that fails the gate is never upgraded and gets no WebSocket frame: the
 * answer is an HTTP problem, for a missing, an unknown and a reused ticket alike.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { getTicket, openTicketSocket } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectGateRefusals, unknownTicket } from './support.ts'

export const noUpgrade: CaseDefinition = {
  id: '7.2-no-upgrade',
  level: 'MUST',
  requirement: 'pw-sess-7.2-no-upgrade',
  title: 'a request refused at the gate is never upgraded',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const used = await getTicket(ctx, client)
    ;(await openTicketSocket(ctx, used)).terminate()
    must(await expectGateRefusals(ctx, [
      ['no ticket', '', PROBLEMS.ticketMissing],
      ['unknown ticket', `?ticket=${unknownTicket()}`, PROBLEMS.ticketInvalid],
      ['used ticket', `?ticket=${used}`, PROBLEMS.ticketInvalid],
    ]))
    return PASS
  },
}
