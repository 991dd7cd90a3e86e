/**
 * Spec §10.2 {#pw-limit-10.2-chunked}: a body without Content-Length (chunked) is counted while
 * it is read, and answered 413 body-too-large as soon as more than max_body bytes arrived. The
 * harness sends max_body + 1 bytes in chunks and withholds the final chunk: a device that counts
 * answers now; one that waits for the end of the body never answers.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, firstFailure, skip } from '../../verdicts.ts'
import { streamChunked } from './oversize.ts'

const MAX_STREAMED = 64 * 1024 * 1024

export const chunked: CaseDefinition = {
  id: '10.2-chunked',
  level: 'MUST',
  requirement: 'pw-limit-10.2-chunked',
  title: 'a chunked body of max_body + 1 bytes gets 413 before it ends',
  async run(ctx) {
    const maxBody = ctx.target.discovery.limits['max_body']!
    if (maxBody > MAX_STREAMED) {
      return skip(`max_body ${maxBody} is above the ${MAX_STREAMED} bytes the harness streams`)
    }
    const res = await streamChunked(ctx, maxBody + 1)
    if (res === undefined) {
      const expected = { status: 413, problem: PROBLEMS.bodyTooLarge.name }
      const message = `no answer after max_body + 1 = ${maxBody + 1} chunked bytes`
      return fail(message, expected, 'no answer')
    }
    return firstFailure(expectProblem(res, PROBLEMS.bodyTooLarge))
  },
}
