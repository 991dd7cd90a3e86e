/**
 * Spec §7.4, §7.5: after the upgrade the device sends no data frame until it answers message 1,
 * and message 2 is its first data frame (the driver's handshake checks the latter).
 */
import { pairClient } from '../../drivers/pairing.ts'
import { handshake } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'
import { freshSocket } from './support.ts'

/** How long the harness listens before sending message 1. */
const LISTEN_MS = 500

export const nothingBeforeMessage2: CaseDefinition = {
  id: '7.4-nothing-before-message-2',
  level: 'MUST',
  requirement: 'pw-sess-7.4-nothing-before-message-2',
  title: 'the device sends nothing before Noise message 2',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const socket = await freshSocket(ctx, client)
    const quiet = await socket.quietFor(LISTEN_MS)
    ctx.record({ step: `listen ${LISTEN_MS} ms before message 1`, expected: 'nothing', actual: quiet ? 'nothing' : 'a frame or a close' })
    if (!quiet) {
      const event = await socket.next(0)
      failCase('the device sent something before message 1 (§7.4)', 'nothing',
        event.kind === 'frame' ? `${event.frame.binary ? 'binary' : 'text'} frame of ${event.frame.data.length} bytes` : event)
    }
    await handshake(ctx, socket, client)
    return PASS
  },
}
