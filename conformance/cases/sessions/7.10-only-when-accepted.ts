/**
 * Spec §7.10 {#pw-sess-7.10-only-when-accepted}, the device's side: a client whose message 1 has
 * no json_seq never gets a packed plaintext. The harness provokes packing: a burst of echo
 * requests written in one go, so that they reach the device in one read, whose answers a packing
 * device would seal together. Every answer must come as one JSON text (the session driver fails
 * any plaintext beginning with RS when message 1 did not offer json_seq).
 */
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { echoAnswer, echoes, expectAnswers } from './packed-support.ts'
import { pairedSession } from './support.ts'

/** Enough answers at once to be worth packing, few enough for one TCP segment on loopback. */
const BURST = 32

export const onlyWhenAccepted: CaseDefinition = {
  id: '7.10-only-when-accepted',
  level: 'MUST',
  requirement: 'pw-sess-7.10-only-when-accepted',
  title: `${BURST} requests in one write, without json_seq in message 1, get ${BURST} answers of one JSON text each`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    const requests = echoes(session, BURST)
    await session.sendBurst(requests)
    must(await expectAnswers(ctx, session, `${BURST} echo requests in one write, no json_seq offered`,
      requests.map(echoAnswer)))
    return PASS
  },
}
