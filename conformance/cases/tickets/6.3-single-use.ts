/**
 * Spec §6.3: a ticket is claimed at the gate whatever happens next. A ticket whose socket was
 * dropped before any handshake, and a ticket whose session is still open, both get 401
 * ticket-invalid when presented again.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { getTicket, handshake, openTicketSocket } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectGateRefusal } from './support.ts'

export const ticketSingleUse: CaseDefinition = {
  id: '6.3-single-use',
  level: 'MUST',
  requirement: 'pw-ticket-6.3-single-use',
  title: 'a ticket opens one WebSocket only',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const dropped = await getTicket(ctx, client)
    ;(await openTicketSocket(ctx, dropped)).terminate()
    must(await expectGateRefusal(ctx, `?ticket=${dropped}`, PROBLEMS.ticketInvalid,
      'reuse of a ticket whose socket was dropped'))
    const live = await getTicket(ctx, client)
    await handshake(ctx, await openTicketSocket(ctx, live), client)
    must(await expectGateRefusal(ctx, `?ticket=${live}`, PROBLEMS.ticketInvalid,
      'reuse of a ticket whose session is open'))
    return PASS
  },
}
