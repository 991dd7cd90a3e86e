/**
 * Spec §7.6: a request for a method the device does not implement gets -32601 with the request's
 * id, integer or string.
 */
import { RPC_ERRORS } from '../../../protocol/registry.ts'
import { allOf, expectRpcError } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { pairedSession } from './support.ts'

export const methodNotFound: CaseDefinition = {
  id: '7.6-method-not-found',
  level: 'MUST',
  requirement: 'pw-sess-7.6-method-not-found',
  title: 'an unknown method gets -32601 with the request id',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    must(await allOf([7, 'request-7'].map((id) => [`id ${JSON.stringify(id)}`, async () => {
      const request = { jsonrpc: '2.0', id, method: 'no.such.method', params: {} }
      await session.send(request)
      return expectRpcError(await session.response(`unknown method, id ${JSON.stringify(id)}`, request),
        RPC_ERRORS.methodNotFound, id)
    }] as const)))
    return PASS
  },
}
