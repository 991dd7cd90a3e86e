/**
 * Spec §7.3, Table 7-1: a message 1 whose ephemeral key is the all-zero (low-order) X25519 point
 * makes the device's `ee` all zero; the device must fail the handshake with 4401, not answer.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { lowOrderMessage1 } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectFirstFrameClose } from './support.ts'

export const rejectZeroDh: CaseDefinition = {
  id: '7.3-reject-zero-dh',
  level: 'MUST',
  requirement: 'pw-sess-7.3-reject-zero-dh',
  title: `a low-order ephemeral key in message 1 gets ${CLOSES.handshakeFailed.code} handshake-failed`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    must(await expectFirstFrameClose(ctx, client, lowOrderMessage1(client), CLOSES.handshakeFailed,
      'message 1 with e = 0'))
    return PASS
  },
}
