/**
 * Spec §7.7: a client that answers no Ping and sends nothing is closed with 4410 idle-timeout when
 * the next Ping is due. Waits twice the advertised ping_interval.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { expectClose } from '../../drivers/session-close.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { pairedSession } from './support.ts'
import { PHASES } from '../../phases.ts'

/** Slack for whole-second timers and the network. */
const SLACK_MS = 1500

export const idleTimeout: CaseDefinition = {
  id: '7.7-idle-timeout',
  level: 'MUST',
  phase: PHASES.timers,
  requirement: 'pw-sess-7.7-idle-timeout',
  title: `a client that never answers Pings gets ${CLOSES.idleTimeout.code} idle-timeout`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  waitSeconds: (target) => 2 * limitOf(target, 'ping_interval') + 2,
  async run(ctx) {
    const { session } = await pairedSession(ctx, { autoPong: false })
    ctx.waitAlongside?.('on-time')
    const waitMs = 2 * limitOf(ctx.target, 'ping_interval') * 1000 + SLACK_MS
    must(await expectClose(ctx, session.socket, CLOSES.idleTimeout, waitMs, 'no Pong, no frame'))
    return PASS
  },
}
