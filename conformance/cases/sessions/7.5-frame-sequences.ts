/**
 * Spec §7.5, §7.8 (property): random sequences of valid echo frames, replays, bit flips,
 * truncations, reorders, drops, oversize frames and closes, each step's outcome predicted by the
 * session model (properties/session-model.ts). A failure is shrunk to the shortest sequence and
 * carries the --replay token that reproduces it. One client is paired for all runs; each run
 * opens its own session.
 */
import { limitOf } from '../../drivers/advertised.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { openSession } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { checkModel } from '../../properties/run-property.ts'
import { describeSessionOutcome, sessionCommands, type SessionModel } from '../../properties/session-model.ts'

const MAX_COMMANDS = 8
const TIME_LIMIT_MS = 40_000

export const frameSequences: CaseDefinition = {
  id: '7.5-frame-sequences',
  level: 'MUST',
  requirement: 'pw-sess-7.5-auth-failure',
  title: 'property: any sequence of valid and mutated frames gets the predicted answers and closes',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const quiet = { ...ctx, record: () => {} }
    const maxFrame = limitOf(ctx.target, 'max_frame')
    return checkModel(ctx, {
      commands: sessionCommands,
      maxCommands: MAX_COMMANDS,
      initialModel: (): SessionModel => ({ open: true, sent: 0 }),
      setup: async () => ({ ctx: quiet, session: await openSession(quiet, client), maxFrame, frames: [] }),
      teardown: (real) => real.session.socket.terminate(),
      timeLimitMs: TIME_LIMIT_MS,
      describe: describeSessionOutcome,
    })
  },
}
