/**
 * Spec §7.7: after message 2 the device sends a WebSocket Ping every ping_interval seconds.
 * Waits the advertised ping_interval.
 */
import { limitOf } from '../../drivers/advertised.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'
import { pairedSession } from './support.ts'
import { PHASES } from '../../phases.ts'

/** Slack for whole-second timers and the network. */
const SLACK_MS = 1500

export const ping: CaseDefinition = {
  id: '7.7-ping',
  level: 'MUST',
  phase: PHASES.timers,
  requirement: 'pw-sess-7.7-ping',
  title: 'the device pings every ping_interval',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  waitSeconds: (target) => limitOf(target, 'ping_interval') + 2,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    ctx.waitAlongside?.('on-time')
    const intervalMs = limitOf(ctx.target, 'ping_interval') * 1000
    const pinged = await session.socket.waitPings(1, intervalMs + SLACK_MS)
    ctx.record({ step: `wait ${intervalMs + SLACK_MS} ms for a Ping`, expected: 'a Ping', actual: pinged ? 'a Ping' : 'none' })
    if (!pinged) failCase('no Ping within ping_interval (§7.7)', 'a Ping', session.socket.closed ?? 'none')
    return PASS
  },
}
