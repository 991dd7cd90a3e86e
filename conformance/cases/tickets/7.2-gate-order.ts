/**
 * Spec §7.2: the gate checks in order. A request that is not a valid WebSocket opening handshake
 * (Sec-WebSocket-Version 8) gets 400 malformed-request with Sec-WebSocket-Version: 13 before the
 * ticket is looked at (step 2 before 3), and a fresh ticket sent on such a request is not claimed
 * (step 2 before 5): it still opens a session afterwards. Several tickets are refused (step 3)
 * before the valid one among them is claimed.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { expectProblem, type HttpResponse } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { rawUpgradeRequest } from '../../drivers/session-socket.ts'
import { getTicket, handshake, openTicketSocket } from '../../drivers/session.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'
import { expectGateRefusal } from './support.ts'

async function wrongVersion(ctx: CaseContext, query: string, step: string): Promise<HttpResponse> {
  const headers = {
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-key': Buffer.from(defaultBackend.randomBytes(16)).toString('base64'),
    'sec-websocket-version': '8',
  }
  const res = await rawUpgradeRequest(ctx, query, headers, step)
  if (res === 'upgraded') return failCase(`${step}: upgraded`, { status: 400 }, { status: 101 })
  must(expectProblem(res, PROBLEMS.malformedRequest))
  if (res.headers['sec-websocket-version'] !== '13') {
    failCase('a wrong WebSocket version is answered with Sec-WebSocket-Version: 13 (§7.2)', '13',
      res.headers['sec-websocket-version'] ?? 'absent')
  }
  return res
}

export const gateOrder: CaseDefinition = {
  id: '7.2-gate-order',
  level: 'MUST',
  requirement: 'pw-sess-7.2-gate-order',
  title: 'the gate checks the WebSocket handshake, then the ticket, then claims it',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    await wrongVersion(ctx, '', 'Sec-WebSocket-Version 8, no ticket')
    const client = await pairClient(ctx)
    const ticket = await getTicket(ctx, client)
    await wrongVersion(ctx, `?ticket=${ticket}`, 'Sec-WebSocket-Version 8, fresh ticket')
    must(await expectGateRefusal(ctx, `?ticket=${ticket}&ticket=${ticket}`, PROBLEMS.ticketInvalid,
      'the fresh ticket twice'))
    await handshake(ctx, await openTicketSocket(ctx, ticket), client)
    return PASS
  },
}
