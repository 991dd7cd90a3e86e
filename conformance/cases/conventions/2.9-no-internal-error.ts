/**
 * Spec §2.9 {#pw-conv-2.9-no-internal-error}: whatever a request contains, the device never
 * answers 500 internal-error nor any 5xx other than 503. A fast-check property sends random and
 * broken bodies, media types and signature fields to every endpoint (random-requests.ts) and
 * shrinks a failure to the smallest request that still gets a 5xx.
 */
import { summarize } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { checkProperty } from '../../property-check.ts'
import { fail } from '../../verdicts.ts'
import { describeRequest, fuzzedPaths, randomRequest, sendRandom } from './random-requests.ts'

/** 503 is the one 5xx the spec allows (overloaded, store-unavailable). */
const ALLOWED_5XX = 503

export const noInternalError: CaseDefinition = {
  id: '2.9-no-internal-error',
  level: 'MUST',
  requirement: 'pw-conv-2.9-no-internal-error',
  title: 'random and broken requests to every endpoint never get a 5xx other than 503',
  run: (ctx) =>
    checkProperty(ctx, {
      arbitrary: randomRequest(fuzzedPaths(ctx)),
      describe: describeRequest,
      async judge(ctx, example) {
        const res = await sendRandom(ctx, example)
        if (res.status < 500 || res.status === ALLOWED_5XX) return null
        const expected = 'a status other than 5xx (503 allowed)'
        return fail(`the device answered ${res.status}`, expected, summarize(res))
      },
    }),
}
