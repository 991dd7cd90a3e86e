/**
 * Spec §6.1, §8.7: a ticket is issued only for a request that passed signature verification. An
 * unsigned POST tickets gets 401 signature-missing, one whose signature does not verify 401
 * signature-invalid; neither carries a ticket.
 */
import { PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { expectProblem, httpRequest, type HttpResponse } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { failCase, must, PASS } from '../../verdicts.ts'

function noTicket(res: HttpResponse): void {
  if (typeof res.json === 'object' && res.json !== null && 'ticket' in res.json) {
    failCase('the device issued a ticket for a request that failed verification (§6.1)', 'no ticket',
      { status: res.status, ticket: 'present' })
  }
}

export const signedTicketRequest: CaseDefinition = {
  id: '6.1-signed-request',
  level: 'MUST',
  requirement: 'pw-ticket-6.1-signed-request',
  title: 'tickets are issued only for requests with a valid signature',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const body = { v: PROTOCOL_VERSION }
    const unsigned = await httpRequest(ctx, { method: 'POST', path: PATHS.tickets, body, step: 'unsigned POST tickets' })
    noTicket(unsigned)
    must(expectProblem(unsigned, PROBLEMS.signatureMissing))
    const client = await pairClient(ctx)
    const forged = await signedRequest(ctx, client, {
      method: 'POST',
      path: PATHS.tickets,
      body,
      key: defaultBackend.randomBytes(client.clientSeed.length),
      step: 'POST tickets signed with another key',
    })
    noTicket(forged)
    must(expectProblem(forged, PROBLEMS.signatureInvalid))
    return PASS
  },
}
