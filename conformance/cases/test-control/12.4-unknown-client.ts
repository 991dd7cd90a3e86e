/**
 * Spec §12.4 {#pw-test-12.4-unknown-client}: test/revoke naming no paired client gets 404
 * not-found and changes nothing: a client_id never paired, and one already revoked; a paired
 * client's signed requests go on working after both.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectProblem } from '../../drivers/http.ts'
import { newClientKeys, pairClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { revoke, testRevoke } from '../registry/revoke.ts'
import { expectEchoed, rpcEcho } from '../signed-http/support.ts'

export const unknownClient: CaseDefinition = {
  id: '12.4-unknown-client',
  level: 'MUST',
  requirement: 'pw-test-12.4-unknown-client',
  title: 'test/revoke for a client_id no client has gets 404 not-found and changes nothing',
  profiles: ['test-control', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const gone = await pairClient(ctx, { name: 'revoked first' })
    const kept = await pairClient(ctx, { name: 'kept' })
    await revoke(ctx, gone, 'operator')
    const notFound = (step: string, clientId: string) => async () =>
      expectProblem(await testRevoke(ctx, clientId, step), PROBLEMS.notFound)
    must(await allOf([
      ['never paired', notFound('test/revoke, never paired', newClientKeys().clientId)],
      ['already revoked', notFound('test/revoke, already revoked', gone.clientId)],
      ['another client still works', async () =>
        expectEchoed(await signedRequest(ctx, kept, { ...rpcEcho(), step: 'rpc of a paired client' }))],
    ]))
    return PASS
  },
}
