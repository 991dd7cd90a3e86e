/**
 * Spec §7.10 {#pw-sess-7.10-at-most-64}, the device's side: a device that packs puts at most 64
 * elements in one packed plaintext. The harness provokes more answers in one turn than that: two
 * packed plaintexts of 64 echo requests each (fewer when the device's max_frame holds fewer),
 * written in one go so that they reach the device in one read. All of them must be answered, and
 * the session driver fails any packed plaintext of more than 64 elements (drivers/packed.ts),
 * here and in every other case. A device that declines json_seq is not supported
 * (packed-support.ts); one that answers with fewer elements per plaintext, or none packed, passes.
 */
import { SIZES } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { acceptedSession, echoAnswer, expectAnswers, fullest, packed } from './packed-support.ts'

const PLAINTEXTS = 2

export const atMost64: CaseDefinition = {
  id: '7.10-at-most-64',
  level: 'MUST',
  requirement: 'pw-sess-7.10-at-most-64',
  title: `${PLAINTEXTS * SIZES.jsonSeqMaxElements} requests in one write get their answers in packed plaintexts of at most ${SIZES.jsonSeqMaxElements} elements`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const session = await acceptedSession(ctx)
    const groups = Array.from({ length: PLAINTEXTS }, () => fullest(session))
    await session.sendBurst(groups.map((requests) => packed(requests)))
    const requests = groups.flat()
    must(await expectAnswers(ctx, session, `${requests.length} echo requests in ${PLAINTEXTS} packed plaintexts, one write`,
      requests.map(echoAnswer)))
    return PASS
  },
}
