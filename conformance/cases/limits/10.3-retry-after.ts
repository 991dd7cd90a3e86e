/**
 * Spec §10.3 {#pw-limit-10.3-retry-after}: every 429 carries Retry-After with an integer number of
 * seconds ≥ 1. Runs after 10.3-per-ip, when the per-IP bucket is already empty (it empties it
 * itself when run alone). The 503 overloaded answer's Retry-After is checked by 10.4-inflight.
 */
import type { CaseDefinition } from '../../model.ts'
import { PHASES } from '../../phases.ts'
import { firstFailure, skip } from '../../verdicts.ts'
import { emptyIpBucket } from './ip-bucket.ts'
import { expectRetryAfter } from './retry-after.ts'

export const retryAfter: CaseDefinition = {
  id: '10.3-retry-after',
  level: 'MUST',
  requirement: 'pw-limit-10.3-retry-after',
  title: 'a 429 answer carries Retry-After in whole seconds ≥ 1',
  phase: PHASES.perIpRate,
  async run(ctx) {
    const { refused } = await emptyIpBucket(ctx)
    if (refused === undefined) {
      return skip('the device never answered 429 (10.3-per-ip fails for that)')
    }
    return firstFailure(expectRetryAfter(refused))
  },
}
