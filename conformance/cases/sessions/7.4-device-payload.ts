/**
 * Spec §7.4: the message 2 payload carries the advertised max_frame and ping_interval and a fresh
 * 16-byte session_id (two sessions get different ones).
 */
import { limitOf } from '../../drivers/advertised.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { openSession } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'

export const devicePayload: CaseDefinition = {
  id: '7.4-device-payload',
  level: 'MUST',
  requirement: 'pw-sess-7.4-device-payload',
  title: 'message 2 carries the advertised max_frame, ping_interval and a fresh session_id',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const first = (await openSession(ctx, client)).devicePayload
    const second = (await openSession(ctx, client)).devicePayload
    const expected = { max_frame: limitOf(ctx.target, 'max_frame'), ping_interval: limitOf(ctx.target, 'ping_interval') }
    for (const payload of [first, second]) {
      const actual = { max_frame: payload.max_frame, ping_interval: payload.ping_interval }
      if (actual.max_frame !== expected.max_frame || actual.ping_interval !== expected.ping_interval) {
        failCase('message 2 must carry the advertised limits (§7.4)', expected, actual)
      }
    }
    if (first.session_id === second.session_id) {
      failCase('session_id must be fresh for every session (§7.4)', 'two different session_id', first.session_id)
    }
    return PASS
  },
}
