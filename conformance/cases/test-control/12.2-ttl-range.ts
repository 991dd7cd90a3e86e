/**
 * Spec §12.2 {#pw-test-12.2-ttl-range}: a ttl outside 1 .. max_pin_ttl is answered 400
 * malformed-request and leaves the current window unchanged: after the refusals, the PIN of the
 * window opened before them still pairs.
 */
import { PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { CaseFailure, fail, PASS } from '../../verdicts.ts'
import { probe, runProbes } from '../probes.ts'
import { openTestWindow } from './test-pin.ts'

export const ttlRange: CaseDefinition = {
  id: '12.2-ttl-range',
  level: 'MUST',
  requirement: 'pw-test-12.2-ttl-range',
  title: 'test/pin with a ttl outside 1..max_pin_ttl gets 400 and keeps the open window',
  profiles: ['test-control', 'pairing'],
  async run(ctx) {
    const max = ctx.target.discovery.limits['max_pin_ttl']!
    const window = await openTestWindow(ctx)
    const refused = await runProbes(
      ctx,
      [0, -1, max + 1].map((ttl) =>
        probe(
          `POST test/pin with ttl ${ttl}`,
          { method: 'POST', path: PATHS.testPin, body: { v: PROTOCOL_VERSION, ttl } },
          PROBLEMS.malformedRequest,
        ),
      ),
    )
    if (refused.status !== 'pass') return refused
    try {
      await pairClient(ctx, { pin: window.pin })
    } catch (error) {
      if (!(error instanceof CaseFailure) || error.verdict.status !== 'fail') throw error
      const { message, actual } = error.verdict
      const why = `the window opened before the refusals no longer pairs: ${message}`
      return fail(why, 'the first PIN still pairs', actual)
    }
    return PASS
  },
}
