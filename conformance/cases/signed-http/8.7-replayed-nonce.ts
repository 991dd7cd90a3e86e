/**
 * Spec §8.7 step 10: a nonce already claimed by the same key gets 401 replayed-nonce, whether the
 * whole request is replayed or a new request reuses the nonce.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { prepareSigned, sendSigned, signedRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectEchoed, rpcEcho } from './support.ts'

export const replayedNonce: CaseDefinition = {
  id: '8.7-replayed-nonce',
  level: 'MUST',
  requirement: 'pw-sig-8.7-replayed-nonce',
  directOnly: 'plain-rpc',
  title: 'a reused nonce gets 401 replayed-nonce',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const request = prepareSigned(ctx, client, rpcEcho())
    must(expectEchoed(await sendSigned(ctx, request, 'signed request')))
    must(expectProblem(await sendSigned(ctx, request, 'the same request again'), PROBLEMS.replayedNonce))
    const reuse = await signedRequest(ctx, client,
      rpcEcho({ nonce: request.nonce, alg: 'hmac-sha256', step: 'a new request with the same nonce' }, ['other']))
    must(expectProblem(reuse, PROBLEMS.replayedNonce))
    return PASS
  },
}
