/**
 * Spec §7.6: a JSON array (a batch) gets one error response -32600 with id null, and none of its
 * elements is processed: the next response is the one to the request sent after it.
 */
import { RPC_ERRORS } from '../../../protocol/registry.ts'
import { expectRpcError } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'
import { echoRequest, pairedSession } from './support.ts'

export const noBatch: CaseDefinition = {
  id: '7.6-no-batch',
  level: 'MUST',
  requirement: 'pw-sess-7.6-no-batch',
  title: 'a batch gets one -32600 with id null and no element is processed',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    const batch = [echoRequest(session, ['first']), echoRequest(session, ['second'])]
    await session.send(batch)
    must(expectRpcError(await session.response('batch of two echoes', batch), RPC_ERRORS.invalidRequest, null))
    const after = echoRequest(session, ['after the batch'])
    await session.send(after)
    const next = await session.response('echo after the batch', after)
    if (next['id'] !== after['id']) {
      failCase('a batch element was answered (§7.6)', { id: after['id'] }, next)
    }
    return PASS
  },
}
