/**
 * Spec §7.5, Table 7-1: a frame of max_frame + 1 bytes gets 4413 frame-too-large, where message
 * 1 is expected and after the handshake.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { CLOSES } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { expectRejected } from '../../drivers/session-close.ts'
import { openSession } from '../../drivers/session.ts'
import { allOf } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectFirstFrameClose } from './support.ts'

export const oversize: CaseDefinition = {
  id: '7.5-oversize',
  level: 'MUST',
  requirement: 'pw-sess-7.5-oversize',
  title: `a frame over max_frame gets ${CLOSES.frameTooLarge.code} frame-too-large`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const frame = defaultBackend.randomBytes(limitOf(ctx.target, 'max_frame') + 1)
    must(await allOf([
      ['oversize frame instead of message 1',
        () => expectFirstFrameClose(ctx, client, frame, CLOSES.frameTooLarge, 'max_frame + 1 bytes first')],
      ['oversize transport frame', async () => {
        const session = await openSession(ctx, client)
        await session.socket.send(frame)
        return expectRejected(ctx, session, CLOSES.frameTooLarge, 'max_frame + 1 bytes after message 2')
      }],
    ]))
    return PASS
  },
}
