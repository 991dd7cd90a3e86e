/** Client mode, spec §9.2 and §9.3: unpairing, and revocation as the client sees it. */
import { CLOSES, PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { noResponseDelivered, noSession, reportedClose, reportedProblem, succeeded } from '../checks.ts'
import { requestsTo } from '../device.ts'
import { clientCase, sessionCase } from './common.ts'

export const registryCases = [
  clientCase('9.2-client-unpair', 'pw-reg-9.2-client-unpair',
    'unpair sends one signed DELETE /pairwire/v1/clients/self without a body, covering @method and @target-uri', async (ctx) => {
      const paired = await ctx.pairedFresh()
      const o = await ctx.unpair(paired)
      const deletes = requestsTo(o.log, PATHS.clientsSelf, 'DELETE')
      const d = deletes[0]
      const ok = deletes.length === 1 && d!.body === '' && d!.signature?.ok === true &&
        JSON.stringify(d!.signature.components) === JSON.stringify(['@method', '@target-uri'])
      return firstFailure(succeeded(o), ok ? null : fail('the unpairing request is not the signed DELETE of §9.2', 'one signed DELETE, no body', d === undefined ? 'none' : { body: d.body.length, signature: d.signature }),
        paired.device.clients.size === 0 ? null : fail('the device still holds the client', 'no client', paired.device.clients.size))
    }),
  clientCase('9.2-client-unpair-refused', 'pw-reg-9.2-client-unpair', 'an unpairing answered 401 unknown-key is reported', async (ctx) => {
    const paired = await ctx.pairedFresh({ clientsSelf: { problem: PROBLEMS.unknownKey } })
    const o = await ctx.unpair(paired)
    return firstFailure(reportedProblem(o, PROBLEMS.unknownKey))
  }),
  sessionCase('9.3-client-revoked-close', 'pw-reg-9.3-client-revoked', 'a client-revoked close in place of the response is reported and ends the call',
    { closeInsteadOfResponse: CLOSES.clientRevoked }, (o) => [reportedClose(o, CLOSES.clientRevoked), noResponseDelivered(o)]),
  sessionCase('9.3-client-unknown-key', 'pw-reg-9.3-client-revoked', 'a ticket request answered 401 unknown-key is reported and no session is opened',
    { tickets: { problem: PROBLEMS.unknownKey } }, (o) => [reportedProblem(o, PROBLEMS.unknownKey), noSession(o, 'the client is no longer known')]),
]
