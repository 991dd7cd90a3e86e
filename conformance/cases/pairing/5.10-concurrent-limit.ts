/**
 * Spec §5.10, Table 5-1: a window holds at most max_concurrent_pairings pending pairings; one
 * more pair/start gets 429 rate-limited with a Retry-After of whole seconds ≥ 1 (§10.3).
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { startClientPairing } from '../../../protocol/spake2/index.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { expectProblem } from '../../drivers/http.ts'
import {
  advertisedDeviceKey,
  newClientKeys,
  openPinWindow,
  pairStart,
  pairStartBody,
  startPairing,
} from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS, skipCase } from '../../verdicts.ts'

/** Above this many pending pairings the case would mostly measure the per-IP rate limit. */
const MAX_TESTED = 64

export const concurrentLimit: CaseDefinition = {
  id: '5.10-concurrent-limit',
  level: 'MUST',
  requirement: 'pw-pair-5.10-concurrent-limit',
  title: 'one pending pairing over max_concurrent_pairings gets 429 rate-limited',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const limit = limitOf(ctx.target, 'max_concurrent_pairings')
    if (limit > MAX_TESTED) skipCase(`max_concurrent_pairings ${limit} is over ${MAX_TESTED}`)
    const pin = await openPinWindow(ctx)
    for (let i = 1; i <= limit; i++) await startPairing(ctx, { pin, step: `pair/start ${i}/${limit}` })
    const keys = newClientKeys()
    const { pA } = startClientPairing({ pin, clientKey: keys.publicKey, deviceKey: advertisedDeviceKey(ctx) })
    // The 429 is the answer judged here, not a request to pace and send again (drivers/pacer.ts).
    const judged = { ...ctx, rateLimitIsAnswer: true }
    const res = await pairStart(judged, pairStartBody(keys, pA), 'pair/start over the limit')
    must(expectProblem(res, PROBLEMS.rateLimited))
    const retryAfter = res.headers['retry-after']
    if (retryAfter === undefined || !/^[0-9]+$/.test(retryAfter) || Number(retryAfter) < 1) {
      failCase('429 needs a Retry-After of whole seconds ≥ 1 (§10.3)', 'Retry-After ≥ 1', retryAfter ?? 'absent')
    }
    return PASS
  },
}
