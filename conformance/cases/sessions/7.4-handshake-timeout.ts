/**
 * Spec §7.4: with no message 1, the device closes with 4408 handshake-timeout once the advertised
 * handshake_timeout has passed, and not a second earlier. Waits handshake_timeout.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { expectClose } from '../../drivers/session-close.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'
import { freshSocket } from './support.ts'
import { PHASES } from '../../phases.ts'

/** Slack for whole-second timers and the network. */
const SLACK_MS = 1000

export const handshakeTimeout: CaseDefinition = {
  id: '7.4-handshake-timeout',
  level: 'MUST',
  phase: PHASES.timers,
  requirement: 'pw-sess-7.4-handshake-timeout',
  title: `no message 1 within handshake_timeout gets ${CLOSES.handshakeTimeout.code}`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  waitSeconds: (target) => limitOf(target, 'handshake_timeout') + 2,
  async run(ctx) {
    const timeoutMs = limitOf(ctx.target, 'handshake_timeout') * 1000
    const client = await pairClient(ctx)
    const socket = await freshSocket(ctx, client)
    ctx.waitAlongside?.('on-time')
    must(await expectClose(ctx, socket, CLOSES.handshakeTimeout, timeoutMs + 2 * SLACK_MS, 'wait without message 1'))
    const after = socket.closed!.afterMs
    if (after < timeoutMs - SLACK_MS) {
      failCase('the device closed before handshake_timeout (§7.4)', `about ${timeoutMs} ms`, `${after} ms`)
    }
    return PASS
  },
}
