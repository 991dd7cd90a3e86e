/**
 * Spec §7.5, Table 7-1: a text message closes the session with 4400 malformed-frame, both where
 * message 1 is expected and after the handshake (where nothing of it is delivered).
 */
import { CLOSES, METHODS } from '../../../protocol/registry.ts'
import { expectRejected } from '../../drivers/session-close.ts'
import { openSession } from '../../drivers/session.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { allOf } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectFirstFrameClose } from './support.ts'

const textRequest = JSON.stringify({ jsonrpc: '2.0', id: 1, method: METHODS.echo, params: ['in clear'] })

export const binaryOnly: CaseDefinition = {
  id: '7.5-binary-only',
  level: 'MUST',
  requirement: 'pw-sess-7.5-binary-only',
  title: `a text frame gets ${CLOSES.malformedFrame.code} malformed-frame`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    must(await allOf([
      ['text frame instead of message 1',
        () => expectFirstFrameClose(ctx, client, textRequest, CLOSES.malformedFrame, 'text frame first')],
      ['text frame after the handshake', async () => {
        const session = await openSession(ctx, client)
        await session.socket.send(textRequest)
        return expectRejected(ctx, session, CLOSES.malformedFrame, 'text frame after message 2')
      }],
    ]))
    return PASS
  },
}
