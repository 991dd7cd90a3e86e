/**
 * Spec §7.5 pw-sess-7.5-check-order: a frame breaking several rules is judged length first, then
 * type, then shortness, then Noise. A text message one byte longer than the device's advertised
 * max_frame must therefore close 4413 frame-too-large, not 4400 malformed-frame, both where
 * message 1 is expected and after the handshake.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { expectRejected } from '../../drivers/session-close.ts'
import { openSession } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectFirstFrameClose } from './support.ts'

export const checkOrder: CaseDefinition = {
  id: '7.5-check-order',
  level: 'MUST',
  requirement: 'pw-sess-7.5-check-order',
  title: `a text frame larger than max_frame gets ${CLOSES.frameTooLarge.code}, not ${CLOSES.malformedFrame.code}`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const maxFrame = ctx.target.discovery.limits['max_frame']!
    const oversizeText = 'a'.repeat(maxFrame + 1)
    const client = await pairClient(ctx)
    must(await allOf([
      ['oversize text frame instead of message 1', () =>
        expectFirstFrameClose(ctx, client, oversizeText, CLOSES.frameTooLarge, 'text frame of max_frame + 1 bytes first')],
      ['oversize text frame after the handshake', async () => {
        const session = await openSession(ctx, client)
        await session.socket.send(oversizeText)
        return expectRejected(ctx, session, CLOSES.frameTooLarge, 'text frame of max_frame + 1 bytes after message 2')
      }],
    ]))
    return PASS
  },
}
