/**
 * Spec §15.5 {#pw-relay-15.5-no-plain-rpc}: on a relayed stream the device answers
 * POST /pairwire/v1/rpc with 404 not-found, also for a correctly signed request of a paired
 * client: its body and answer would be plaintext the relay reads. Runs only via --via-relay.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { rpcEcho } from '../signed-http/support.ts'

export const noPlainRpc: CaseDefinition = {
  id: '15.5-no-plain-rpc',
  level: 'MUST',
  requirement: 'pw-relay-15.5-no-plain-rpc',
  title: 'through a relay, a signed POST rpc of a paired client gets 404 not-found',
  relayedOnly: true,
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const res = await signedRequest(ctx, client, rpcEcho({ step: 'signed echo over POST rpc' }))
    must(expectProblem(res, PROBLEMS.notFound))
    return PASS
  },
}
