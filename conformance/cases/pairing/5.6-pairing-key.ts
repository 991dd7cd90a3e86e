/**
 * Spec §5.6, §7.3: both parties derive the same pairing key; the device proves it by completing
 * a Noise NNpsk0 handshake keyed by the pairing key the harness derived.
 */
import { METHODS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { openSession } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'

export const pairingKey: CaseDefinition = {
  id: '5.6-pairing-key',
  level: 'MUST',
  requirement: 'pw-pair-5.6-pairing-key',
  title: 'the device derives the same pairing key (a session keyed by it opens)',
  profiles: ['pairing', 'session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const session = await openSession(ctx, client)
    const params = { key: 'agreed' }
    const response = await session.call(METHODS.echo, params)
    if (JSON.stringify(response['result']) !== JSON.stringify(params)) {
      failCase('echo over the session did not return its params', params, response)
    }
    return PASS
  },
}
