/**
 * Spec §10.2 {#pw-limit-10.2-no-continue}: with `Expect: 100-continue` and a Content-Length over
 * max_body, the device's first answer is 413 body-too-large, never a 100 (Continue) that invites
 * the body it will not read (RFC 9110 §10.1.1). Issue 21: Node answers 100 by itself unless the
 * server handles checkContinue.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { announceBody } from './oversize.ts'

export const noContinue: CaseDefinition = {
  id: '10.2-no-continue',
  level: 'MUST',
  requirement: 'pw-limit-10.2-no-continue',
  title: 'Expect: 100-continue over max_body gets 413, not 100 Continue',
  async run(ctx) {
    const length = ctx.target.discovery.limits['max_body']! + 1
    const res = await announceBody(ctx, { length, headers: ['expect: 100-continue'] })
    if (res === undefined) {
      return fail(`no answer to Content-Length ${length} with Expect: 100-continue`,
        { status: 413 }, 'no answer')
    }
    return expectProblem(res, PROBLEMS.bodyTooLarge) ?? PASS
  },
}
