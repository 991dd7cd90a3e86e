/** Spec §8.9: a valid JSON-RPC notification to POST /pairwire/v1/rpc gets 204 with no body. */
import { METHODS, PATHS } from '../../../protocol/registry.ts'
import { expectStatus } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'

export const rpcNotification: CaseDefinition = {
  id: '8.9-rpc-notification',
  level: 'MUST',
  requirement: 'pw-sig-8.9-rpc-notification',
  directOnly: 'plain-rpc',
  title: 'a notification over POST rpc gets 204 with no body',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const body = { jsonrpc: '2.0', method: METHODS.echo, params: ['notification'] }
    const res = await signedRequest(ctx, client, { method: 'POST', path: PATHS.rpc, body, step: 'notification' })
    must(expectStatus(res, 204))
    if (res.bodyText.length > 0) failCase('204 carries no body (§8.9)', '', res.bodyText.slice(0, 200))
    return PASS
  },
}
