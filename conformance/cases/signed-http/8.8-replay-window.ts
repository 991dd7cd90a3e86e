/**
 * Spec §8.8: a claimed nonce is kept for 2 × skew. A request created skew − 1 s in the future is
 * accepted, then replayed unchanged 2 × skew − 2 s later, while its created is still within skew:
 * it must get 401 replayed-nonce (a device that forgets nonces after skew would accept it). Waits
 * about twice the advertised skew.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { limitOf, sleep } from '../../drivers/advertised.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { nowSeconds, prepareSigned, sendSigned } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS, skipCase } from '../../verdicts.ts'
import { expectEchoed, rpcEcho } from './support.ts'

/** Seconds kept clear of each skew boundary. */
const EDGE = 1

export const replayWindow: CaseDefinition = {
  id: '8.8-replay-window',
  level: 'MUST',
  requirement: 'pw-sig-8.8-replay-window',
  title: 'a nonce stays claimed for 2 × skew',
  profiles: ['signed-http'],
  needsPin: true,
  waitSeconds: (target) => 2 * limitOf(target, 'skew'),
  async run(ctx) {
    const skew = limitOf(ctx.target, 'skew')
    if (skew < 3) skipCase(`skew ${skew} s leaves no room between the window edges`)
    const client = await pairClient(ctx)
    const created = nowSeconds() + skew - EDGE
    const request = prepareSigned(ctx, client, rpcEcho({ created }))
    must(expectEchoed(await sendSigned(ctx, request, `created ${skew - EDGE} s ahead`)))
    // Replay when now = created + skew − EDGE: still within skew, 2 × skew − 2 × EDGE after the claim.
    await sleep((created + skew - EDGE) * 1000 - Date.now())
    must(expectProblem(await sendSigned(ctx, request, 'the same request, near the end of the window'),
      PROBLEMS.replayedNonce))
    return PASS
  },
}
