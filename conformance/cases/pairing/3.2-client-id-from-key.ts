/**
 * Spec §3.2: the client_id and device_id of a pair/finish answer are the fingerprints of the
 * client_key sent in pair/start and of the device_key (pairClient checks both).
 */
import { newClientKeys, pairClient } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'

export const clientIdFromKey: CaseDefinition = {
  id: '3.2-client-id-from-key',
  level: 'MUST',
  requirement: 'pw-keys-3.2-id-derivation',
  title: 'pair/finish names the client by the fingerprint of its key',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const keys = newClientKeys()
    const client = await pairClient(ctx, { keys })
    if (client.clientId !== keys.clientId) failCase('client_id differs', keys.clientId, client.clientId)
    return PASS
  },
}
