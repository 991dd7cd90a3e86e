/**
 * Spec §8.7: a nonce is claimed only by a request that passed steps 1-9. A request with a bad
 * signature, one created outside the skew, and one whose body does not match its digest, each
 * with its own nonce, leave that nonce unclaimed: a valid request with it then succeeds.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { newNonce } from '../../../protocol/httpsig/index.ts'
import { PROBLEMS, SIZES, type ProblemEntry } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { nowSeconds, signedRequest, type SignOptions } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { SKEW_MARGIN } from './8.7-clock-skew.ts'
import { echoBody, expectEchoed, rpcEcho } from './support.ts'

export const claimAfterVerify: CaseDefinition = {
  id: '8.7-claim-after-verify',
  level: 'MUST',
  requirement: 'pw-sig-8.7-claim-after-verify',
  directOnly: 'plain-rpc',
  title: 'a request refused before the nonce check leaves its nonce unclaimed',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const skew = limitOf(ctx.target, 'skew')
    const refused: [string, Partial<SignOptions>, ProblemEntry][] = [
      ['bad signature', { key: defaultBackend.randomBytes(SIZES.ed25519PublicKey) }, PROBLEMS.signatureInvalid],
      ['created outside skew', { created: nowSeconds() - skew - SKEW_MARGIN }, PROBLEMS.clockSkew],
      ['body not matching its digest',
        { mutate: (r) => ({ ...r, body: JSON.stringify(echoBody(['altered'])) }) }, PROBLEMS.digestMismatch],
    ]
    must(await allOf(refused.map(([step, options, entry]) => [step, async () => {
      const nonce = newNonce()
      const first = await signedRequest(ctx, client, rpcEcho({ ...options, nonce, step }))
      return expectProblem(first, entry) ??
        expectEchoed(await signedRequest(ctx, client, rpcEcho({ nonce, step: `valid request with the nonce of: ${step}` })))
    }] as const)))
    return PASS
  },
}
