/**
 * Spec §7.10 {#pw-sess-7.10-too-many-elements}: a device that accepted json_seq answers a packed
 * plaintext of 65 elements (one over SIZES.jsonSeqMaxElements) with one -32600 whose id is null
 * and processes none of them: no element is answered before the echo sent after it. A device
 * that declines json_seq is not supported (packed-support.ts).
 */
import { RPC_ERRORS, SIZES } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS, skip } from '../../verdicts.ts'
import { acceptedSession, echoAnswer, echoes, expectAnswers, fitsFrame, packed } from './packed-support.ts'
import { echoRequest } from './support.ts'

const TOO_MANY = SIZES.jsonSeqMaxElements + 1

export const tooManyElements: CaseDefinition = {
  id: '7.10-too-many-elements',
  level: 'MUST',
  requirement: 'pw-sess-7.10-too-many-elements',
  title: `a packed plaintext of ${TOO_MANY} elements gets one -32600 with id null and no element is processed`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const session = await acceptedSession(ctx)
    const plaintext = packed(echoes(session, TOO_MANY))
    if (!fitsFrame(session, plaintext)) {
      return skip(`the device's max_frame ${session.devicePayload.max_frame} cannot carry ${TOO_MANY} ` +
        `echo requests (${plaintext.length} bytes) in one frame`)
    }
    await session.send(plaintext)
    const after = echoRequest(session, ['after the packed plaintext'])
    await session.send(after)
    must(await expectAnswers(ctx, session, `a packed plaintext of ${TOO_MANY} echo requests`,
      [{ id: null, error: RPC_ERRORS.invalidRequest }, echoAnswer(after)]))
    return PASS
  },
}
