/** Spec §8.3: a device accepts requests signed with ed25519 and with hmac-sha256. */
import { pairClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import { allOf } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectEchoed, rpcEcho } from './support.ts'

export const bothAlgorithms: CaseDefinition = {
  id: '8.3-both-algorithms',
  level: 'MUST',
  requirement: 'pw-sig-8.3-both-algorithms',
  directOnly: 'plain-rpc',
  title: 'ed25519 and hmac-sha256 signatures are both accepted',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    must(await allOf(['ed25519', 'hmac-sha256'].map((alg) => [alg, async () =>
      expectEchoed(await signedRequest(ctx, client, rpcEcho({ alg, step: `rpc signed with ${alg}` })))] as const)))
    return PASS
  },
}
