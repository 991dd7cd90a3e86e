/**
 * Helpers shared by the signed-request cases (spec §8): an echo over POST /pairwire/v1/rpc, the
 * check of its 200 answer, and tables of signed requests that must each get one problem.
 */
import { METHODS, PATHS, type ProblemEntry } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectJsonMessage, expectProblem, type HttpResponse } from '../../drivers/http.ts'
import type { PairedClient } from '../../drivers/pairing.ts'
import { signedRequest, type SignOptions } from '../../drivers/signed.ts'
import type { CaseContext } from '../../model.ts'
import { fail, type FailVerdict } from '../../verdicts.ts'

/** A JSON-RPC echo request body (§7.6, §8.9). */
export function echoBody(params: unknown = ['signed']): { jsonrpc: string; id: number; method: string; params: unknown } {
  return { jsonrpc: '2.0', id: 1, method: METHODS.echo, params }
}

/** The options of a signed echo over POST rpc, plus `overrides`. */
export function rpcEcho(overrides: Partial<SignOptions> = {}, params?: unknown): SignOptions {
  return { method: 'POST', path: PATHS.rpc, body: echoBody(params), ...overrides }
}

/** 200 with the JSON-RPC response whose result is `params` (§8.9). */
export function expectEchoed(res: HttpResponse, params: unknown = ['signed']): FailVerdict | null {
  const message = expectJsonMessage(res, 200, 'jsonrpc-response')
  if (message !== null) return message
  const body = res.json as { result?: unknown }
  if (JSON.stringify(body.result) === JSON.stringify(params)) return null
  return fail('the rpc answer must carry the echo result (§8.9)', { result: params }, body)
}

/** Sends each signed request; fails with every one not answered with its problem. */
export function expectSignedProblems(
  ctx: CaseContext,
  client: PairedClient,
  probes: readonly (readonly [step: string, options: SignOptions, entry: ProblemEntry])[],
): Promise<FailVerdict | null> {
  return allOf(probes.map(([step, options, entry]) =>
    [step, async () => expectProblem(await signedRequest(ctx, client, { ...options, step }), entry)] as const))
}
