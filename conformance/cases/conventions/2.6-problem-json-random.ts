/**
 * Spec §2.6 {#pw-conv-2.6-problem-json}, under random input: every error answer to the random and
 * broken requests of random-requests.ts is problem details of a registry entry whose status is
 * the HTTP status (the fixed probes of 2.6-problem-json cover each error kind once).
 */
import { LABELS } from '../../../protocol/registry.ts'
import { expectJsonSchema, mediaType, summarize } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { checkProperty } from '../../property-check.ts'
import { fail } from '../../verdicts.ts'
import { describeRequest, fuzzedPaths, randomRequest, sendRandom } from './random-requests.ts'

const PROBLEM_JSON = LABELS.problemContentType

export const problemJsonRandom: CaseDefinition = {
  id: '2.6-problem-json-random',
  level: 'MUST',
  requirement: 'pw-conv-2.6-problem-json',
  title: 'every error answer to random requests is problem details with the HTTP status',
  run: (ctx) =>
    checkProperty(ctx, {
      arbitrary: randomRequest(fuzzedPaths(ctx)),
      describe: describeRequest,
      async judge(ctx, example) {
        const res = await sendRandom(ctx, example)
        if (res.status < 400) return null
        if (mediaType(res.headers['content-type']) !== PROBLEM_JSON) {
          return fail(`a ${res.status} answer is not ${PROBLEM_JSON}`, PROBLEM_JSON, summarize(res))
        }
        const status = (res.json as { status?: unknown } | undefined)?.status
        if (status !== res.status) {
          const actual = { ...summarize(res), 'body status': status }
          return fail('the problem status differs from the HTTP status', res.status, actual)
        }
        return expectJsonSchema('problem', res.json)
      },
    }),
}
