/** Spec §8.7 step 5: an `alg` the device does not advertise gets 400 unsupported-algorithm. */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectSignedProblems, rpcEcho } from './support.ts'

export const unsupportedAlgorithm: CaseDefinition = {
  id: '8.7-unsupported-algorithm',
  level: 'MUST',
  requirement: 'pw-sig-8.7-unsupported-algorithm',
  directOnly: 'plain-rpc',
  title: 'an alg the device does not advertise gets 400 unsupported-algorithm',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const entry = PROBLEMS.unsupportedAlgorithm
    must(await expectSignedProblems(ctx, client, [
      ['alg rsa-pss-sha512', rpcEcho({ alg: 'rsa-pss-sha512' }), entry],
      ['alg ecdsa-p256-sha256', rpcEcho({ alg: 'ecdsa-p256-sha256' }), entry],
      ['alg ED25519 (case differs)', rpcEcho({ alg: 'ED25519' }), entry],
    ]))
    return PASS
  },
}
