/**
 * Spec §8.2: a device accepts the signature parameters in any order (the signature base keeps the
 * signer's order, RFC 9421 §2.3), with and without `expires`.
 */
import { newNonce } from '../../../protocol/httpsig/index.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { nowSeconds, signedRequest } from '../../drivers/signed.ts'
import { allOf } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectEchoed, rpcEcho } from './support.ts'

type Param = readonly [string, string | number]

export const anyParameterOrder: CaseDefinition = {
  id: '8.2-any-parameter-order',
  level: 'MUST',
  requirement: 'pw-sig-8.2-any-parameter-order',
  directOnly: 'plain-rpc',
  title: 'signature parameters are accepted in any order',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const orders: [string, (p: Record<string, Param>) => Param[]][] = [
      ['alg, keyid, nonce, created', (p) => [p.alg!, p.keyid!, p.nonce!, p.created!]],
      ['nonce, created, alg, keyid', (p) => [p.nonce!, p.created!, p.alg!, p.keyid!]],
      ['keyid, expires, created, alg, nonce', (p) => [p.keyid!, p.expires!, p.created!, p.alg!, p.nonce!]],
    ]
    must(await allOf(orders.map(([step, order]) => [step, async () => {
      const created = nowSeconds()
      const params: Record<string, Param> = {
        created: ['created', created],
        expires: ['expires', created + 60],
        nonce: ['nonce', newNonce()],
        keyid: ['keyid', client.clientId],
        alg: ['alg', 'ed25519'],
      }
      return expectEchoed(await signedRequest(ctx, client, rpcEcho({ params: order(params), step })))
    }] as const)))
    return PASS
  },
}
