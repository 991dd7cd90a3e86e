/**
 * Spec §7.5: after a frame fails authentication nothing later is delivered either. A tampered
 * frame followed at once by the intact original: a device that skipped the bad frame would answer
 * the original; a conforming one closes with 4422 and answers neither.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { echoRequest, expectEcho, expectFramesRejected, flipBit, pairedSession } from './support.ts'

export const noDeliveryAfterFailure: CaseDefinition = {
  id: '7.5-no-delivery-after-failure',
  level: 'MUST',
  requirement: 'pw-sess-7.5-no-delivery-after-failure',
  title: 'nothing after a frame that failed authentication is delivered',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    await expectEcho(session)
    const frame = session.seal(echoRequest(session))
    must(await expectFramesRejected(ctx, session, [flipBit(frame, ctx.seed), frame], CLOSES.frameAuthFailed,
      'tampered frame, then the original'))
    return PASS
  },
}
