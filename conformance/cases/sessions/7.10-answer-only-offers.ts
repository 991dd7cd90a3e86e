/**
 * Spec §7.10 {#pw-sess-7.10-answer-only-offers}: json_seq in message 2 answers an offer, so a
 * message 1 payload without json_seq gets a message 2 payload without it.
 */
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { pairedSession } from './support.ts'

export const answerOnlyOffers: CaseDefinition = {
  id: '7.10-answer-only-offers',
  level: 'MUST',
  requirement: 'pw-sess-7.10-answer-only-offers',
  title: 'a message 1 payload without json_seq gets a message 2 payload without json_seq',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    const payload = session.devicePayload
    ctx.record({ step: 'message 1 without json_seq → message 2 payload', expected: 'no json_seq', actual: payload })
    if ('json_seq' in payload) {
      return fail('message 2 has json_seq although message 1 did not offer it (§7.10)', 'no json_seq member', payload)
    }
    return PASS
  },
}
