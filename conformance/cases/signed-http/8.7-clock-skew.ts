/**
 * Spec §8.7 step 9, §8.8: a request created more than the advertised skew before or after now,
 * or whose expires has passed, gets 401 clock-skew; one created within skew succeeds. A margin of
 * a few seconds on each side keeps the case clear of clock granularity. Both signature algorithms
 * are checked.
 */
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../../../protocol/httpsig/algorithms.ts'
import { PROBLEMS } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { nowSeconds, signedRequest, type SignOptions } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectEchoed, rpcEcho } from './support.ts'

/** Seconds kept between the tested times and the skew boundary. */
export const SKEW_MARGIN = 3

export const clockSkew: CaseDefinition = {
  id: '8.7-clock-skew',
  level: 'MUST',
  requirement: 'pw-sig-8.7-clock-skew',
  directOnly: 'plain-rpc',
  title: 'created outside the advertised skew, or an expired signature, gets 401 clock-skew',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const skew = limitOf(ctx.target, 'skew')
    const now = nowSeconds()
    const within = Math.max(0, skew - SKEW_MARGIN)
    // Step 9 comes after the signature check of either algorithm: a device may reach it on one
    // path and not the other (an HMAC path that returns early), so both are judged (§8.3).
    const checksOf = (alg: SignatureAlgorithm) => {
      const skewed = (step: string, options: Partial<SignOptions>) =>
        [`${alg}: ${step}`, async () => expectProblem(
          await signedRequest(ctx, client, rpcEcho({ ...options, alg, step: `${alg}: ${step}` })),
          PROBLEMS.clockSkew)] as const
      const accepted = (step: string, created: number) =>
        [`${alg}: ${step}`, async () => expectEchoed(
          await signedRequest(ctx, client, rpcEcho({ created, alg, step: `${alg}: ${step}` })))] as const
      return [
        skewed(`created skew + ${SKEW_MARGIN} s ago`, { created: now - skew - SKEW_MARGIN }),
        skewed(`created skew + ${SKEW_MARGIN} s ahead`, { created: now + skew + SKEW_MARGIN }),
        skewed(`expires ${SKEW_MARGIN} s ago`, { created: now, expires: now - SKEW_MARGIN }),
        accepted(`created ${within} s ago is accepted`, now - within),
        accepted(`created ${within} s ahead is accepted`, now + within),
      ]
    }
    must(await allOf(SIGNATURE_ALGORITHMS.flatMap(checksOf)))
    return PASS
  },
}
