/**
 * Spec §9.3: after a client unpaired, every signed request with its keyid gets 401 unknown-key,
 * with either algorithm and on every signed endpoint.
 */
import { METHODS, PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectProblem, expectStatus } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { signedRequest, unpair, type SignOptions } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'

const echo = { jsonrpc: '2.0', id: 1, method: METHODS.echo, params: ['after unpairing'] }

export const unknownKeyAfterRevocation: CaseDefinition = {
  id: '9.3-unknown-key-after-revocation',
  level: 'MUST',
  requirement: 'pw-reg-9.3-unknown-key-after-revocation',
  title: 'an unpaired client gets 401 unknown-key on every signed request',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    must(expectStatus(await unpair(ctx, client), 204))
    const requests: [string, SignOptions][] = [
      ['rpc, ed25519', { method: 'POST', path: PATHS.rpc, body: echo }],
      ['rpc, hmac-sha256', { method: 'POST', path: PATHS.rpc, body: echo, alg: 'hmac-sha256' }],
      ['tickets', { method: 'POST', path: PATHS.tickets, body: { v: PROTOCOL_VERSION } }],
      ['clients/self again', { method: 'DELETE', path: PATHS.clientsSelf }],
    ]
    must(await allOf(requests.map(([step, options]) => [step, async () =>
      expectProblem(await signedRequest(ctx, client, { ...options, step }), PROBLEMS.unknownKey)] as const)))
    return PASS
  },
}
