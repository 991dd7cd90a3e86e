/**
 * Spec §8.7, §8.8 (property): random sequences of signed requests — the client clock set within
 * and past the advertised skew, fresh nonces, reused nonces, unchanged replays, bodies altered
 * after signing — each answer predicted by the signed-request model (properties/signed-model.ts),
 * which tracks which nonces the device claimed. A failure is shrunk to the shortest sequence and
 * carries the --replay token that reproduces it. One client is paired for all runs.
 */
import { limitOf } from '../../drivers/advertised.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { checkModel } from '../../properties/run-property.ts'
import { describeSignedOutcome, signedCommands, type SignedModel } from '../../properties/signed-model.ts'

const MAX_COMMANDS = 10
const TIME_LIMIT_MS = 40_000

export const requestSequences: CaseDefinition = {
  id: '8.7-request-sequences',
  level: 'MUST',
  requirement: 'pw-sig-8.7-replayed-nonce',
  directOnly: 'plain-rpc',
  title: 'property: any sequence of timely, skewed, replayed and altered requests gets the predicted answers',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const quiet = { ...ctx, record: () => {} }
    const skew = limitOf(ctx.target, 'skew')
    return checkModel(ctx, {
      commands: signedCommands,
      maxCommands: MAX_COMMANDS,
      initialModel: (): SignedModel => ({ skew, offset: 0, nonces: [], answers: [] }),
      setup: async () => ({ ctx: quiet, client, nonces: [], requests: [] }),
      teardown: () => {},
      timeLimitMs: TIME_LIMIT_MS,
      describe: describeSignedOutcome,
    })
  },
}
