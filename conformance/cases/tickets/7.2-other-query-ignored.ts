/**
 * Spec §7.2 pw-sess-7.2-other-query-ignored: query parameters other than `ticket` on the session
 * URL are ignored, before or after the ticket: the device upgrades a fresh ticket and the
 * handshake completes, as for `?ticket=T` alone.
 */
import { pairClient } from '../../drivers/pairing.ts'
import { openSocket } from '../../drivers/session-socket.ts'
import { getTicket, handshake } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'

const QUERIES: readonly ((ticket: string) => string)[] = [
  (t) => `?ticket=${t}&x=1`,
  (t) => `?cache=0&ticket=${t}`,
]

export const otherQueryIgnored: CaseDefinition = {
  id: '7.2-other-query-ignored',
  level: 'MUST',
  requirement: 'pw-sess-7.2-other-query-ignored',
  title: 'other query parameters beside ticket are ignored: the upgrade and handshake succeed',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    for (const query of QUERIES) {
      const ticket = await getTicket(ctx, client)
      const shown = query('T')
      const answer = await openSocket(ctx, query(ticket), { step: `upgrade ${shown}`, expected: { status: 101 } })
      if (answer.kind !== 'upgraded') {
        failCase(`${shown}: other query parameters must be ignored (§7.2)`, { status: 101 }, answer.response.status)
      }
      ctx.defer(() => answer.socket.terminate())
      await handshake(ctx, answer.socket, client)
    }
    return PASS
  },
}
