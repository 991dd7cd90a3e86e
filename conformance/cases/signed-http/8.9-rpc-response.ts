/**
 * Spec §8.9: a signed POST /pairwire/v1/rpc gets 200 with the JSON-RPC response object, error
 * responses included: a result for echo, -32601 for an unknown method, -32700 (id null) for a
 * body that is not JSON, -32600 (id null) for a batch.
 */
import { METHODS, PATHS, RPC_ERRORS } from '../../../protocol/registry.ts'
import { allOf, expectRpcError } from '../../drivers/checks.ts'
import { expectJsonMessage } from '../../drivers/http.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { must, PASS, type FailVerdict } from '../../verdicts.ts'
import { echoBody, expectEchoed, rpcEcho } from './support.ts'

async function rpcError(
  ctx: CaseContext,
  client: PairedClient,
  body: unknown,
  entry: { code: number; message: string },
  id: unknown,
  step: string,
): Promise<FailVerdict | null> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const res = await signedRequest(ctx, client, { method: 'POST', path: PATHS.rpc, body: text, step })
  return expectJsonMessage(res, 200, 'jsonrpc-response') ?? expectRpcError(res.json as Record<string, unknown>, entry, id)
}

export const rpcResponse: CaseDefinition = {
  id: '8.9-rpc-response',
  level: 'MUST',
  requirement: 'pw-sig-8.9-rpc-response',
  directOnly: 'plain-rpc',
  title: 'POST rpc answers 200 with the JSON-RPC response, errors included',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    must(await allOf([
      ['echo', async () => expectEchoed(await signedRequest(ctx, client, rpcEcho({ step: 'echo' })))],
      ['unknown method', () => rpcError(ctx, client, { jsonrpc: '2.0', id: 'r1', method: 'no.such.method' },
        RPC_ERRORS.methodNotFound, 'r1', 'unknown method')],
      ['not JSON', () => rpcError(ctx, client, '{"jsonrpc":', RPC_ERRORS.parseError, null, 'body not JSON')],
      ['batch', () => rpcError(ctx, client, [echoBody()], RPC_ERRORS.invalidRequest, null, 'batch')],
      ['echo without params', () => rpcError(ctx, client, { jsonrpc: '2.0', id: 3, method: METHODS.echo },
        RPC_ERRORS.invalidParams, 3, 'echo without params')],
    ]))
    return PASS
  },
}
