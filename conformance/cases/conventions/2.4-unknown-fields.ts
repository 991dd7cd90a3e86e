/**
 * Spec §2.4 {#pw-conv-2.4-unknown-fields}: a body with a member its field table does not list is
 * answered 400 malformed-request; unknown members are rejected, never ignored.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'
import { validPairFinish, validPairStart } from '../samples.ts'

const post = (path: string, step: string, body: object) =>
  probe(step, { method: 'POST', path, body }, PROBLEMS.malformedRequest)

export const unknownFields: CaseDefinition = {
  id: '2.4-unknown-fields',
  level: 'MUST',
  requirement: 'pw-conv-2.4-unknown-fields',
  title: 'a body with an unknown member gets 400 malformed-request',
  async run(ctx) {
    const probes = [
      post(PATHS.pairStart, 'pair/start + "extra": true', { ...validPairStart(ctx), extra: true }),
      post(PATHS.pairStart, 'pair/start + "V": 1 (names are case-sensitive)', {
        ...validPairStart(ctx),
        V: 1,
      }),
      post(PATHS.pairFinish, 'pair/finish + "cB": ""', { ...validPairFinish(), cB: '' }),
    ]
    if (ctx.target.discovery.profiles.includes('test-control')) {
      probes.push(post(PATHS.testPin, 'test/pin + "pin": "294017"', { v: 1, pin: '294017' }))
    }
    return runProbes(ctx, probes)
  },
}
