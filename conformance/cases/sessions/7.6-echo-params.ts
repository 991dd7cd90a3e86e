/** Spec §7.6: pairwire.echo without params gets -32602 Invalid params with the request's id. */
import { METHODS, RPC_ERRORS } from '../../../protocol/registry.ts'
import { expectRpcError } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { pairedSession } from './support.ts'

export const echoParams: CaseDefinition = {
  id: '7.6-echo-params',
  level: 'MUST',
  requirement: 'pw-sess-7.6-echo-params',
  title: 'pairwire.echo without params gets -32602',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    const request = { jsonrpc: '2.0', id: session.nextId(), method: METHODS.echo }
    await session.send(request)
    must(expectRpcError(await session.response('echo without params', request), RPC_ERRORS.invalidParams,
      request.id))
    return PASS
  },
}
