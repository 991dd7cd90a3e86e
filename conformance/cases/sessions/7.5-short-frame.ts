/**
 * Spec §7.5, Table 7-1: a frame too short to be the Noise message expected next gets 4400
 * malformed-frame: under 48 bytes (e and a tag) for message 1, under 16 bytes (a tag) for a
 * transport message, the empty frame included.
 */
import { CLOSES, SIZES } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { expectRejected } from '../../drivers/session-close.ts'
import { openSession } from '../../drivers/session.ts'
import { allOf } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectFirstFrameClose } from './support.ts'

const MESSAGE_1_MIN = SIZES.x25519Key + SIZES.aeadTag

export const shortFrame: CaseDefinition = {
  id: '7.5-short-frame',
  level: 'MUST',
  requirement: 'pw-sess-7.5-short-frame',
  title: `frames too short for the expected Noise message get ${CLOSES.malformedFrame.code}`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const first = [0, 1, MESSAGE_1_MIN - 1].map((length) => {
      const step = `${length}-byte frame instead of message 1`
      const frame = defaultBackend.randomBytes(length)
      return [step, () => expectFirstFrameClose(ctx, client, frame, CLOSES.malformedFrame, step)] as const
    })
    const transport = [0, SIZES.aeadTag - 1].map((length) => {
      const step = `${length}-byte transport frame`
      return [step, async () => {
        const session = await openSession(ctx, client)
        await session.socket.send(defaultBackend.randomBytes(length))
        return expectRejected(ctx, session, CLOSES.malformedFrame, step)
      }] as const
    })
    must(await allOf([...first, ...transport]))
    return PASS
  },
}
