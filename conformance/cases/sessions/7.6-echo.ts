/**
 * Spec §7.6: pairwire.echo answers a `result` equal, as a JSON value, to its `params`. The params
 * are drawn with fast-check from ctx.seed (objects and arrays of any JSON, Unicode strings), so
 * the same seed sends the same params.
 */
import fc from 'fast-check'
import { METHODS } from '../../../protocol/registry.ts'
import { jsonEqual } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { pairedSession } from './support.ts'

const SAMPLES = 8
const value = fc.jsonValue({ maxDepth: 2, stringUnit: 'grapheme' })
const params = fc.oneof(
  fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), value, { maxKeys: 5 }),
  fc.array(value, { maxLength: 5 }),
)

export const echo: CaseDefinition = {
  id: '7.6-echo',
  level: 'MUST',
  requirement: 'pw-sess-7.6-echo',
  title: 'pairwire.echo returns its params, for any JSON object or array',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    for (const sample of fc.sample(params, { seed: ctx.seed, numRuns: SAMPLES })) {
      const response = await session.call(METHODS.echo, sample)
      if (!jsonEqual(response['result'], sample)) {
        return fail('pairwire.echo must return its params (§7.6)', { result: sample }, response)
      }
    }
    return PASS
  },
}
