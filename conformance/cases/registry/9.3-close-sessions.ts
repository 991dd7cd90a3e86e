/**
 * Spec §9.3: when a client is removed, each of its live sessions is closed with 4403
 * client-revoked within 1 second. Two sessions are open when the client unpairs itself with a
 * signed request; both must close in time, and another client's session must stay open.
 */
import { CLOSES, METHODS } from '../../../protocol/registry.ts'
import { expectStatus } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { expectClose, openSession } from '../../drivers/session.ts'
import { unpair } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'

/** §9.3's bound, plus the time a Close frame needs to cross a network. */
const WITHIN_MS = 1000
const TRANSIT_MS = 250

export const closeSessions: CaseDefinition = {
  id: '9.3-close-sessions',
  level: 'MUST',
  requirement: 'pw-reg-9.3-close-sessions',
  title: `unpairing closes the live sessions of that client with ${CLOSES.clientRevoked.code} within 1 s`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx, { name: 'revoked' })
    const bystander = await pairClient(ctx, { name: 'bystander' })
    const sessions = [await openSession(ctx, client), await openSession(ctx, client)]
    const other = await openSession(ctx, bystander)
    must(expectStatus(await unpair(ctx, client), 204))
    for (const [i, session] of sessions.entries()) {
      must(await expectClose(ctx, session.socket, CLOSES.clientRevoked, WITHIN_MS + TRANSIT_MS, `session ${i + 1}`))
    }
    if (other.socket.closed !== undefined) {
      failCase("another client's session was closed (§9.3)", 'still open', other.socket.closed)
    }
    const info = await other.call(METHODS.echo, ['still open'])
    if (!('result' in info)) failCase("another client's session stopped working", 'an echo result', info)
    return PASS
  },
}
