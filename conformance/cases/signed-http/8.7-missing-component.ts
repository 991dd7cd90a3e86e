/**
 * Spec §8.7 step 3: covered components other than exactly those of §8.2, in order and without
 * parameters, get 400 missing-component: content-digest left out for a body, components
 * reordered, an extra component, a component parameter, content-digest covered without a body.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectSignedProblems, rpcEcho } from './support.ts'

const method = '@method'
const target = '@target-uri'
const digest = 'content-digest'

export const missingComponent: CaseDefinition = {
  id: '8.7-missing-component',
  level: 'MUST',
  requirement: 'pw-sig-8.7-missing-component',
  directOnly: 'plain-rpc',
  title: 'covered components other than those of §8.2 get 400 missing-component',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const missing = PROBLEMS.missingComponent
    must(await expectSignedProblems(ctx, client, [
      ['body without content-digest covered', rpcEcho({ components: [method, target] }), missing],
      ['@method left out', rpcEcho({ components: [target, digest] }), missing],
      ['components reordered', rpcEcho({ components: [target, method, digest] }), missing],
      ['content-type covered too', rpcEcho({ components: [method, target, digest, 'content-type'] }), missing],
      ['@method with a parameter',
        rpcEcho({ components: [{ value: method, params: new Map([['req', true]]) }, target, digest] }), missing],
      ['content-digest covered without a body',
        { method: 'DELETE', path: PATHS.clientsSelf, components: [method, target, digest] }, missing],
    ]))
    return PASS
  },
}
