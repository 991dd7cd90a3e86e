/**
 * Spec §2.4 {#pw-conv-2.4-schema}: a body that lacks a required member, has a member of the wrong
 * JSON type, or a value outside its length or range is answered 400 malformed-request.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'
import { validPairFinish, validPairStart, type JsonObject } from '../samples.ts'

// client_name is 1..64 Unicode code points (spec §5.7): 65 code points, each 4 bytes in UTF-8.
const NAME_TOO_LONG = '\u{1F600}'.repeat(65)

function without(body: JsonObject, member: string): JsonObject {
  return Object.fromEntries(Object.entries(body).filter(([key]) => key !== member))
}

export const schema: CaseDefinition = {
  id: '2.4-schema',
  level: 'MUST',
  requirement: 'pw-conv-2.4-schema',
  title: 'a missing member, a wrong type or a value out of range gets 400 malformed-request',
  async run(ctx) {
    const post = (path: string) => (what: string, body: JsonObject) =>
      probe(`POST ${path} ${what}`, { method: 'POST', path, body }, PROBLEMS.malformedRequest)
    const start = post(PATHS.pairStart)
    const finish = post(PATHS.pairFinish)
    const valid = () => validPairStart(ctx)
    return runProbes(ctx, [
      start('without pA', without(valid(), 'pA')),
      start('without client_key', without(valid(), 'client_key')),
      start('with client_name 5', { ...valid(), client_name: 5 }),
      start('with an empty client_name', { ...valid(), client_name: '' }),
      start('with a 65-code-point client_name', { ...valid(), client_name: NAME_TOO_LONG }),
      start('with pA an array', { ...valid(), pA: [4] }),
      finish('without cA', without(validPairFinish(), 'cA')),
      finish('with pairing_id null', { ...validPairFinish(), pairing_id: null }),
    ])
  },
}
