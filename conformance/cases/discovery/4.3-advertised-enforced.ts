/**
 * Spec §4.3 {#pw-disc-4.3-advertised-enforced}: the device enforces exactly the limits it
 * advertises. Checked here at the max_body boundary, from both sides: a body of exactly max_body
 * bytes is read and judged on its content (400 unsupported-version for `{"v":2}` padded with
 * JSON whitespace), and one byte more is refused 413 body-too-large. The other limits are checked
 * at their own rules (§5, §6, §7, §8, §10), each case using the advertised value.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem, httpRequest } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, firstFailure, skip } from '../../verdicts.ts'
import { announceBody } from '../limits/oversize.ts'

/** Bodies above this size are not sent (the check would cost more than it tells). */
const MAX_SENT_BODY = 16 * 1024 * 1024

export const advertisedEnforced: CaseDefinition = {
  id: '4.3-advertised-enforced',
  level: 'MUST',
  requirement: 'pw-disc-4.3-advertised-enforced',
  title: 'a body of exactly max_body bytes is read; max_body + 1 is refused 413',
  async run(ctx) {
    const maxBody = ctx.target.discovery.limits['max_body']!
    if (maxBody > MAX_SENT_BODY) {
      return skip(`max_body ${maxBody} is above the ${MAX_SENT_BODY} bytes the harness sends`)
    }
    const json = '{"v":2}'
    const res = await httpRequest(ctx, {
      method: 'POST',
      path: PATHS.pairStart,
      body: json + ' '.repeat(maxBody - json.length),
      step: `POST pair/start with a body of exactly max_body = ${maxBody} bytes`,
      expected: { status: 400, problem: PROBLEMS.unsupportedVersion.name },
    })
    const atLimit = expectProblem(res, PROBLEMS.unsupportedVersion)
    if (atLimit !== null) {
      const message = `a body of exactly max_body bytes was not read as such: ${atLimit.message}`
      return fail(message, atLimit.expected, atLimit.actual)
    }
    const over = await announceBody(ctx, { length: maxBody + 1 })
    if (over === undefined) {
      const message = 'no answer to a body of max_body + 1 bytes before it was sent'
      return fail(message, { status: 413 }, 'no answer')
    }
    return firstFailure(expectProblem(over, PROBLEMS.bodyTooLarge))
  },
}
