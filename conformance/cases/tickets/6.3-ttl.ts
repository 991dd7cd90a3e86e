/**
 * Spec §6.3, §2.7: a ticket presented after ticket_ttl gets 401 ticket-invalid. Waits the
 * advertised ticket_ttl.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { limitOf, outlast } from '../../drivers/advertised.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { getTicket } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectGateRefusal } from './support.ts'
import { PHASES } from '../../phases.ts'

export const ticketTtl: CaseDefinition = {
  id: '6.3-ttl',
  level: 'MUST',
  phase: PHASES.timers,
  requirement: 'pw-ticket-6.3-ttl',
  title: 'a ticket presented after ticket_ttl gets 401 ticket-invalid',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  waitSeconds: (target) => limitOf(target, 'ticket_ttl') + 1,
  async run(ctx) {
    const client = await pairClient(ctx)
    const ticket = await getTicket(ctx, client)
    ctx.waitAlongside?.('late-is-fine')
    await outlast(limitOf(ctx.target, 'ticket_ttl'))
    must(await expectGateRefusal(ctx, `?ticket=${ticket}`, PROBLEMS.ticketInvalid, 'upgrade after ticket_ttl'))
    return PASS
  },
}
