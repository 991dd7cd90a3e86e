/**
 * Spec §8.3: the hmac-sha256 key is HKDF(pairing key, "pairwire/1 request hmac key"), not the
 * pairing key itself: a signature keyed with the raw pairing key gets 401 signature-invalid, one
 * keyed with the derived key succeeds.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectEchoed, rpcEcho } from './support.ts'

export const hmacKey: CaseDefinition = {
  id: '8.3-hmac-key',
  level: 'MUST',
  requirement: 'pw-sig-8.3-hmac-key',
  directOnly: 'plain-rpc',
  title: 'hmac-sha256 uses the derived request HMAC key',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const raw = await signedRequest(ctx, client,
      rpcEcho({ alg: 'hmac-sha256', key: client.pairingKey, step: 'hmac keyed with the raw pairing key' }))
    must(expectProblem(raw, PROBLEMS.signatureInvalid))
    must(expectEchoed(await signedRequest(ctx, client, rpcEcho({ alg: 'hmac-sha256', step: 'hmac with the derived key' }))))
    return PASS
  },
}
