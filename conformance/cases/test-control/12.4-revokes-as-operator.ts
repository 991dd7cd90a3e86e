/**
 * Spec §12.4 {#pw-test-12.4-revokes-as-operator}: test/revoke removes the client as the operator's
 * revocation does, with every effect of §9.3 and §6.5: 204, then its outstanding ticket is refused
 * at the gate with 401 ticket-invalid and its signed requests get 401 unknown-key with either
 * algorithm. (Its live sessions closing is 9.3-close-sessions-operator.)
 */
import { METHODS, PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { getTicket } from '../../drivers/session.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { revoke } from '../registry/revoke.ts'
import { expectGateRefusal } from '../tickets/support.ts'

const echo = { jsonrpc: '2.0', id: 1, method: METHODS.echo, params: ['after revocation'] }

export const revokesAsOperator: CaseDefinition = {
  id: '12.4-revokes-as-operator',
  level: 'MUST',
  requirement: 'pw-test-12.4-revokes-as-operator',
  title: "test/revoke answers 204 and removes the client: its ticket and signed requests get 401",
  profiles: ['test-control', 'session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const ticket = await getTicket(ctx, client)
    await revoke(ctx, client, 'operator')
    const signed = (alg: string) => async () => expectProblem(
      await signedRequest(ctx, client, { method: 'POST', path: PATHS.rpc, body: echo, alg, step: `rpc, ${alg}` }),
      PROBLEMS.unknownKey)
    must(await allOf([
      ['outstanding ticket', () => expectGateRefusal(ctx, `?ticket=${ticket}`, PROBLEMS.ticketInvalid, 'upgrade after revocation')],
      ['rpc, ed25519', signed('ed25519')],
      ['rpc, hmac-sha256', signed('hmac-sha256')],
    ]))
    return PASS
  },
}
