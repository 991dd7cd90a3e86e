/**
 * Spec §6.5, §7.3: a ticket admits a session of the client it was issued to only. Client B
 * presenting client A's ticket and running the handshake with its own pairing key and client_id
 * fails it: the device closes with 4401 handshake-failed.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { expectClose } from '../../drivers/session-close.ts'
import { buildMessage1, getTicket, openTicketSocket } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'

export const boundToClient: CaseDefinition = {
  id: '6.5-bound-to-client',
  level: 'MUST',
  requirement: 'pw-ticket-6.5-bound-to-client',
  title: "another client's ticket admits no session for this client",
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const a = await pairClient(ctx, { name: 'client A' })
    const b = await pairClient(ctx, { name: 'client B' })
    const socket = await openTicketSocket(ctx, await getTicket(ctx, a))
    await socket.send(buildMessage1(b).message)
    must(await expectClose(ctx, socket, CLOSES.handshakeFailed, ctx.timeoutMs,
      "message 1 of client B on client A's ticket"))
    return PASS
  },
}
