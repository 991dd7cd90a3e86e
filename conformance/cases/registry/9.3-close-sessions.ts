/**
 * Spec §9.3: when a client is removed, each of its live sessions is closed with 4403
 * client-revoked within 1 second, whichever path removed it. Two sessions are open when the
 * client is removed, by unpairing itself with a signed request (9.3-close-sessions) or by the
 * operator through test-control (9.3-close-sessions-operator, §12.4); both must close in time,
 * and another client's session must stay open.
 */
import { CLOSES, METHODS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { expectClose } from '../../drivers/session-close.ts'
import { openSession } from '../../drivers/session.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'
import { revoke, type RevocationPath } from './revoke.ts'

/** §9.3's bound, plus the time a Close frame needs to cross a network. */
const WITHIN_MS = 1000
const TRANSIT_MS = 250

async function closesSessions(ctx: CaseContext, path: RevocationPath) {
  const client = await pairClient(ctx, { name: 'revoked' })
  const bystander = await pairClient(ctx, { name: 'bystander' })
  const sessions = [await openSession(ctx, client), await openSession(ctx, client)]
  const other = await openSession(ctx, bystander)
  await revoke(ctx, client, path)
  for (const [i, session] of sessions.entries()) {
    must(await expectClose(ctx, session.socket, CLOSES.clientRevoked, WITHIN_MS + TRANSIT_MS, `session ${i + 1}`))
  }
  if (other.socket.closed !== undefined) {
    failCase("another client's session was closed (§9.3)", 'still open', other.socket.closed)
  }
  const info = await other.call(METHODS.echo, ['still open'])
  if (!('result' in info)) failCase("another client's session stopped working", 'an echo result', info)
  return PASS
}

export const closeSessions: CaseDefinition = {
  id: '9.3-close-sessions',
  level: 'MUST',
  requirement: 'pw-reg-9.3-close-sessions',
  title: `unpairing closes the live sessions of that client with ${CLOSES.clientRevoked.code} within 1 s`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  run: (ctx) => closesSessions(ctx, 'self'),
}

export const closeSessionsOperator: CaseDefinition = {
  id: '9.3-close-sessions-operator',
  level: 'MUST',
  requirement: 'pw-reg-9.3-close-sessions',
  title: `the operator's revocation closes the live sessions of that client with ${CLOSES.clientRevoked.code} within 1 s`,
  profiles: ['test-control', 'session', 'signed-http'],
  needsPin: true,
  run: (ctx) => closesSessions(ctx, 'operator'),
}
