/**
 * Spec §10.3 {#pw-limit-10.3-per-ip}: a request that finds its per-IP bucket empty is refused 429
 * rate-limited. The bucket holds rate_ip_per_minute tokens, refills at that many per minute and
 * counts every request, upgrades included: a flood taking every kind of request in turn must meet
 * a 429 within capacity + refill requests (ip-bucket.ts says how far beyond an uncounted kind
 * pushes it). Probing each kind once the bucket is empty would race its refill, one token per
 * 60/N s.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { PHASES } from '../../phases.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { emptyIpBucket, REQUEST_KINDS } from './ip-bucket.ts'

export const perIp: CaseDefinition = {
  id: '10.3-per-ip',
  level: 'MUST',
  requirement: 'pw-limit-10.3-per-ip',
  title: 'more than rate_ip_per_minute requests of any kind, upgrades included, get 429 rate-limited',
  phase: PHASES.perIpRate,
  async run(ctx) {
    const result = await emptyIpBucket(ctx)
    if (result.refused === undefined) {
      const { sent, seconds, allowed } = result
      const message = `${sent} requests of ${REQUEST_KINDS.length} kinds in ${seconds.toFixed(1)} s and no 429`
      return fail(message, `a 429 within ${allowed} requests`, `${sent} requests admitted`)
    }
    return firstFailure(expectProblem(result.refused, PROBLEMS.rateLimited))
  },
}
