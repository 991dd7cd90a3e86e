/**
 * Spec §5.8: pairing again with the same key replaces the client record, pairing key included.
 * Afterwards an hmac-sha256 request keyed from the old pairing key gets 401 signature-invalid and
 * one keyed from the new pairing key succeeds.
 */
import { METHODS, PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem, expectStatus } from '../../drivers/http.ts'
import { newClientKeys, pairClient, type PairedClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'

function hmacEcho(ctx: CaseContext, client: PairedClient, step: string) {
  const body = { jsonrpc: '2.0', id: 1, method: METHODS.echo, params: [step] }
  return signedRequest(ctx, client, { method: 'POST', path: PATHS.rpc, body, alg: 'hmac-sha256', step })
}

export const repairReplaces: CaseDefinition = {
  id: '5.8-repair-replaces',
  level: 'MUST',
  requirement: 'pw-pair-5.8-repair-replaces',
  directOnly: 'plain-rpc',
  title: 'pairing the same key again replaces its pairing key',
  profiles: ['pairing', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const keys = newClientKeys()
    const before = await pairClient(ctx, { keys })
    const after = await pairClient(ctx, { keys })
    if (after.clientId !== before.clientId) failCase('client_id changed', before.clientId, after.clientId)
    must(expectProblem(await hmacEcho(ctx, before, 'hmac-sha256 with the old pairing key'),
      PROBLEMS.signatureInvalid))
    must(expectStatus(await hmacEcho(ctx, after, 'hmac-sha256 with the new pairing key'), 200))
    return PASS
  },
}
