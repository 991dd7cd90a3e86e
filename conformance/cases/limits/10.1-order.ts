/**
 * Spec §10.1 {#pw-limit-10.1-order}: the checks of Table 10-1 apply in order and the first that
 * fails is answered. Each probe fails two checks at once and expects the earlier one's answer:
 * path before body size, method before body size, body size before media type, signature before
 * media type, media type before JSON, JSON before version, version before schema.
 */
import { PATHS, PROBLEMS, type ProblemEntry } from '../../../protocol/registry.ts'
import { expectProblem, httpRequest, type HttpRequest } from '../../drivers/http.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { fail, PASS, type FailVerdict } from '../../verdicts.ts'
import { announceBody, type Announced } from './oversize.ts'

/** Either a head announcing a withheld body (`raw`) or a whole request. */
interface OrderProbe {
  readonly what: string
  readonly raw?: Announced
  readonly request?: HttpRequest
  readonly problem: ProblemEntry
}

const post = (path: string, body: string, type: string): HttpRequest => ({
  method: 'POST',
  path,
  body,
  headers: { 'content-type': type },
})

function probes(maxBody: number): OrderProbe[] {
  const over = maxBody + 1
  const json = 'application/json'
  return [
    {
      what: 'unknown path with Content-Length over max_body',
      raw: { length: over, path: '/pairwire/v1/none' },
      problem: PROBLEMS.notFound,
    },
    {
      what: 'wrong method with Content-Length over max_body',
      raw: { length: over, method: 'PUT' },
      problem: PROBLEMS.methodNotAllowed,
    },
    {
      what: 'Content-Length over max_body as text/plain',
      raw: { length: over, contentType: 'text/plain' },
      problem: PROBLEMS.bodyTooLarge,
    },
    {
      what: 'unsigned ticket request as text/plain',
      request: post(PATHS.tickets, 'x', 'text/plain'),
      problem: PROBLEMS.signatureMissing,
    },
    {
      what: 'not JSON as text/plain',
      request: post(PATHS.pairStart, '{', 'text/plain'),
      problem: PROBLEMS.unsupportedMediaType,
    },
    {
      what: 'not JSON with v 2 inside',
      request: post(PATHS.pairStart, '{"v":2,', json),
      problem: PROBLEMS.malformedRequest,
    },
    {
      what: 'v 2 with members of the wrong type',
      request: post(PATHS.pairStart, '{"v":2,"pA":1}', json),
      problem: PROBLEMS.unsupportedVersion,
    },
  ]
}

async function judge(ctx: CaseContext, probe: OrderProbe): Promise<FailVerdict | null> {
  const expected = { status: probe.problem.status, problem: probe.problem.name }
  const res =
    probe.raw !== undefined
      ? await announceBody(ctx, probe.raw)
      : await httpRequest(ctx, { ...probe.request!, step: probe.what, expected })
  if (res === undefined) {
    return fail(`${probe.what}: no answer while the body was withheld`, expected, 'no answer')
  }
  const wrong = expectProblem(res, probe.problem)
  return wrong && fail(`${probe.what}: ${wrong.message}`, wrong.expected, wrong.actual)
}

export const order: CaseDefinition = {
  id: '10.1-order',
  level: 'MUST',
  requirement: 'pw-limit-10.1-order',
  title: 'of two failing checks, the earlier one in Table 10-1 is answered',
  async run(ctx) {
    for (const probe of probes(ctx.target.discovery.limits['max_body']!)) {
      const failure = await judge(ctx, probe)
      if (failure !== null) return failure
    }
    return PASS
  },
}
