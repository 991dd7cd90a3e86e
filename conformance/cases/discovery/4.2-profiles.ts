/**
 * Spec §4.2 {#pw-disc-4.2-profiles}: `profiles` contains pairing, session and signed-http, and
 * contains test-control if and only if the test-control interface is on. The "only if" is
 * checked over the wire: with test-control advertised, POST /pairwire/v1/test/pin must open a
 * window (200); without it, the endpoint must not exist (404, spec §12.2).
 */
import { PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { MANDATORY_PROFILES } from '../../../schemas/src/discovery.ts'
import { expectJsonMessage, expectProblem, httpRequest } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { getDiscovery } from './discovery-request.ts'

const TEST_CONTROL = 'test-control'

export const profiles: CaseDefinition = {
  id: '4.2-profiles',
  level: 'MUST',
  requirement: 'pw-disc-4.2-profiles',
  title: 'profiles lists pairing, session, signed-http, and test-control exactly when it is on',
  async run(ctx) {
    const discovery = await getDiscovery(ctx)
    const missing = MANDATORY_PROFILES.filter((p) => !discovery.profiles.includes(p))
    if (missing.length > 0) {
      return fail(`profiles lacks ${missing.join(', ')}`, MANDATORY_PROFILES, discovery.profiles)
    }
    const advertised = discovery.profiles.includes(TEST_CONTROL)
    const res = await httpRequest(ctx, {
      method: 'POST',
      path: PATHS.testPin,
      body: { v: PROTOCOL_VERSION },
      step: `POST test/pin (${TEST_CONTROL} ${advertised ? 'advertised' : 'not advertised'})`,
      expected: advertised ? { status: 200 } : { status: 404 },
    })
    return advertised
      ? firstFailure(expectJsonMessage(res, 200, 'test-pin-response'))
      : firstFailure(expectProblem(res, PROBLEMS.notFound))
  },
}
