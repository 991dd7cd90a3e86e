/**
 * Spec §9.3: after a client is removed, every signed request with its keyid gets 401 unknown-key,
 * with either algorithm and on every signed endpoint, whether it unpaired itself or the operator
 * revoked it (through test-control, §12.4).
 */
import { METHODS, PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { signedRequest, type SignOptions } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { revoke, type RevocationPath } from './revoke.ts'
import { must, PASS } from '../../verdicts.ts'

const echo = { jsonrpc: '2.0', id: 1, method: METHODS.echo, params: ['after unpairing'] }

async function unknownAfter(ctx: CaseContext, path: RevocationPath) {
  const client = await pairClient(ctx)
  await revoke(ctx, client, path)
  const requests: [string, SignOptions][] = [
    ['rpc, ed25519', { method: 'POST', path: PATHS.rpc, body: echo }],
    ['rpc, hmac-sha256', { method: 'POST', path: PATHS.rpc, body: echo, alg: 'hmac-sha256' }],
    ['tickets', { method: 'POST', path: PATHS.tickets, body: { v: PROTOCOL_VERSION } }],
    ['clients/self again', { method: 'DELETE', path: PATHS.clientsSelf }],
  ]
  must(await allOf(requests.map(([step, options]) => [step, async () =>
    expectProblem(await signedRequest(ctx, client, { ...options, step }), PROBLEMS.unknownKey)] as const)))
  return PASS
}

export const unknownKeyAfterRevocation: CaseDefinition = {
  id: '9.3-unknown-key-after-revocation',
  level: 'MUST',
  requirement: 'pw-reg-9.3-unknown-key-after-revocation',
  directOnly: 'plain-rpc',
  title: 'an unpaired client gets 401 unknown-key on every signed request',
  profiles: ['signed-http'],
  needsPin: true,
  run: (ctx) => unknownAfter(ctx, 'self'),
}

export const unknownKeyAfterOperatorRevocation: CaseDefinition = {
  id: '9.3-unknown-key-after-revocation-operator',
  level: 'MUST',
  requirement: 'pw-reg-9.3-unknown-key-after-revocation',
  directOnly: 'plain-rpc',
  title: 'a client the operator revoked gets 401 unknown-key on every signed request',
  profiles: ['test-control', 'signed-http'],
  needsPin: true,
  run: (ctx) => unknownAfter(ctx, 'operator'),
}
