/**
 * Spec §7.5, §7.6: the device never sends a frame larger than the client's max_frame. With
 * max_frame = 1024 in message 1, echo requests whose answers would need more get answers that
 * fit (the driver fails the case on any larger frame).
 */
import { METHODS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'
import { pairedSession } from './support.ts'

/** The smallest max_frame a client may announce (§7.4). */
export const SMALL_MAX_FRAME = 1024

export const respectPeerMax: CaseDefinition = {
  id: '7.5-respect-peer-max',
  level: 'MUST',
  requirement: 'pw-sess-7.5-respect-peer-max',
  title: "the device's frames fit the client's max_frame",
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx, { maxFrame: SMALL_MAX_FRAME })
    for (const size of [SMALL_MAX_FRAME - 100, SMALL_MAX_FRAME - 40, SMALL_MAX_FRAME, 2 * SMALL_MAX_FRAME]) {
      await session.call(METHODS.echo, ['x'.repeat(size)])
    }
    return PASS
  },
}
