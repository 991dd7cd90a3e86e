/**
 * Spec §10.2 {#pw-limit-10.2-content-length}: a request whose Content-Length exceeds max_body is
 * answered 413 body-too-large without reading its body. The harness announces the body and
 * withholds it: an answer can only come if the device decided from the head alone.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { announceBody } from './oversize.ts'

export const contentLength: CaseDefinition = {
  id: '10.2-content-length',
  level: 'MUST',
  requirement: 'pw-limit-10.2-content-length',
  title: 'Content-Length over max_body gets 413 before the body is sent',
  async run(ctx) {
    const maxBody = ctx.target.discovery.limits['max_body']!
    for (const length of [maxBody + 1, 2 ** 40]) {
      const res = await announceBody(ctx, { length })
      if (res === undefined) {
        const expected = { status: 413, problem: PROBLEMS.bodyTooLarge.name }
        const message = `no answer to Content-Length ${length}: the device waits for the body`
        return fail(message, expected, 'no answer')
      }
      const wrong = expectProblem(res, PROBLEMS.bodyTooLarge)
      if (wrong !== null) return wrong
    }
    return PASS
  },
}
