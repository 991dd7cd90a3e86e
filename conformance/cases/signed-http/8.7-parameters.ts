/**
 * Spec §8.7 step 4: an absent created, nonce, keyid or alg gets 400 missing-component; one of the
 * wrong type, an `expires` that is not an Integer, an unknown parameter, or a nonce that is not
 * base64url of 16 bytes gets 400 malformed-signature.
 */
import { newNonce, type BareItem } from '../../../protocol/httpsig/index.ts'
import { PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import { nowSeconds } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectSignedProblems, rpcEcho } from './support.ts'

type Params = [string, BareItem][]

/** The §8.2 parameters of `client`, changed by `edit`. */
function params(client: PairedClient, edit: (p: Map<string, BareItem>) => void): Params {
  const map = new Map<string, BareItem>([
    ['created', nowSeconds()],
    ['nonce', newNonce()],
    ['keyid', client.clientId],
    ['alg', 'ed25519'],
  ])
  edit(map)
  return [...map]
}

export const parameters: CaseDefinition = {
  id: '8.7-parameters',
  level: 'MUST',
  requirement: 'pw-sig-8.7-parameters',
  directOnly: 'plain-rpc',
  title: 'absent parameters get missing-component, wrong ones malformed-signature',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const missing = PROBLEMS.missingComponent
    const malformed = PROBLEMS.malformedSignature
    const probe = (step: string, edit: (p: Map<string, BareItem>) => void, entry = malformed) =>
      [step, rpcEcho({ params: params(client, edit) }), entry] as const
    must(await expectSignedProblems(ctx, client, [
      probe('no created', (p) => p.delete('created'), missing),
      probe('no nonce', (p) => p.delete('nonce'), missing),
      probe('no keyid', (p) => p.delete('keyid'), missing),
      probe('no alg', (p) => p.delete('alg'), missing),
      probe('created a string', (p) => p.set('created', String(nowSeconds()))),
      probe('nonce an integer', (p) => p.set('nonce', 7)),
      probe('keyid an integer', (p) => p.set('keyid', 7)),
      probe('alg a boolean', (p) => p.set('alg', true)),
      probe('expires a string', (p) => p.set('expires', 'later')),
      probe('an unknown parameter tag', (p) => p.set('tag', 'pairwire')),
      probe('nonce of 8 bytes', (p) => p.set('nonce', 'AAAAAAAAAAA')),
      probe('nonce with padding', (p) => p.set('nonce', `${newNonce()}==`)),
    ]))
    return PASS
  },
}
