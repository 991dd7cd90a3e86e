/**
 * Spec §5.8 step 6, §9.5: the device stores the client record before it answers pair/finish 200.
 * As soon as that answer arrives the client's credentials must work: a ticket request signed with
 * ed25519 and an rpc echo signed with hmac-sha256 (which needs the stored pairing key), sent at
 * once and together, both succeed. A device that answers first and stores afterwards refuses
 * them with unknown-key. Two pairings, so that a race has two chances to show.
 */
import { PATHS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectJsonMessage } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { must, PASS, type FailVerdict } from '../../verdicts.ts'
import { expectEchoed, rpcEcho } from '../signed-http/support.ts'

async function usableAtOnce(ctx: CaseContext, pairing: number): Promise<FailVerdict | null> {
  const client = await pairClient(ctx)
  const step = `pairing ${pairing}: right after pair/finish`
  const body = { v: PROTOCOL_VERSION }
  const ticketRequest = { method: 'POST', path: PATHS.tickets, body, step: `${step}, POST tickets` }
  const [ticket, rpc] = await Promise.all([
    signedRequest(ctx, client, ticketRequest),
    signedRequest(ctx, client, rpcEcho({ alg: 'hmac-sha256', step: `${step}, POST rpc (hmac)` })),
  ])
  return allOf([
    [`${step}, ticket`, async () => expectJsonMessage(ticket, 200, 'ticket-response')],
    [`${step}, rpc`, async () => expectEchoed(rpc)],
  ])
}

export const storeBeforeAnswer: CaseDefinition = {
  id: '5.8-store-before-answer',
  level: 'MUST',
  requirement: 'pw-pair-5.8-store-before-answer',
  directOnly: 'plain-rpc',
  title: 'credentials work as soon as pair/finish has answered 200',
  profiles: ['pairing', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    must(await allOf([1, 2].map((n) => [`pairing ${n}`, () => usableAtOnce(ctx, n)] as const)))
    return PASS
  },
}
