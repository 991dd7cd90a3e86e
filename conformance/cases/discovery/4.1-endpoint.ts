/**
 * Spec §4.1 {#pw-disc-4.1-endpoint}: GET /.well-known/pairwire is answered 200 with a `discovery`
 * object, without any authentication (the harness sends none).
 */
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'
import { getDiscovery } from './discovery-request.ts'

export const endpoint: CaseDefinition = {
  id: '4.1-endpoint',
  level: 'MUST',
  requirement: 'pw-disc-4.1-endpoint',
  title: 'discovery answers 200 application/json with a valid discovery object, unauthenticated',
  async run(ctx) {
    await getDiscovery(ctx, 'GET discovery without credentials')
    return PASS
  },
}
