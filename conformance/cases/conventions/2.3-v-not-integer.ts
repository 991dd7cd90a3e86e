/**
 * Spec §2.3 {#pw-conv-2.3-v-not-integer}: a body without `v`, or with a `v` that is not an
 * integer (a string, a fraction, null, a boolean), is answered 400 malformed-request.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'
import { validPairFinish, validPairStart, type JsonObject } from '../samples.ts'

const VARIANTS: readonly [string, unknown][] = [
  ['no v', undefined],
  ['v "1"', '1'],
  ['v 1.5', 1.5],
  ['v null', null],
  ['v true', true],
]

function withV(body: JsonObject, v: unknown): JsonObject {
  const { v: _dropped, ...rest } = body
  return v === undefined ? rest : { ...rest, v }
}

export const vNotInteger: CaseDefinition = {
  id: '2.3-v-not-integer',
  level: 'MUST',
  requirement: 'pw-conv-2.3-v-not-integer',
  title: 'a body without v, or with a non-integer v, gets 400 malformed-request',
  async run(ctx) {
    const post = (path: string, step: string, body: object) =>
      probe(step, { method: 'POST', path, body }, PROBLEMS.malformedRequest)
    const probes = VARIANTS.map(([what, v]) =>
      post(PATHS.pairStart, `pair/start with ${what}`, withV(validPairStart(ctx), v)),
    )
    probes.push(post(PATHS.pairFinish, 'pair/finish with v "1"', withV(validPairFinish(), '1')))
    return runProbes(ctx, probes)
  },
}
