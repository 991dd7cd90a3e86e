/** Spec §4.2 {#pw-disc-4.2-algorithms}: `algorithms` contains both ed25519 and hmac-sha256. */
import { SIGNATURE_ALGORITHMS } from '../../../protocol/httpsig/algorithms.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { getDiscovery } from './discovery-request.ts'

export const algorithms: CaseDefinition = {
  id: '4.2-algorithms',
  level: 'MUST',
  requirement: 'pw-disc-4.2-algorithms',
  title: 'algorithms lists ed25519 and hmac-sha256',
  async run(ctx) {
    const discovery = await getDiscovery(ctx)
    const missing = SIGNATURE_ALGORITHMS.filter((alg) => !discovery.algorithms.includes(alg))
    if (missing.length === 0) return PASS
    const message = `algorithms lacks ${missing.join(', ')}`
    return fail(message, SIGNATURE_ALGORITHMS, discovery.algorithms)
  },
}
