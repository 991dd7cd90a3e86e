/**
 * Spec §8.4: the device rebuilds @target-uri from its scheme, the Host field and the request
 * target, so a signature over any other URI gets 401 signature-invalid: another path, another
 * scheme, another port, a query that was not sent.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { targetUri } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectSignedProblems, rpcEcho } from './support.ts'

function variant(uri: string, change: (url: URL) => void): string {
  const url = new URL(uri)
  change(url)
  return url.href
}

export const deviceTargetUri: CaseDefinition = {
  id: '8.4-device-target-uri',
  level: 'MUST',
  requirement: 'pw-sig-8.4-device-target-uri',
  directOnly: 'plain-rpc',
  title: 'a signature over another @target-uri gets 401 signature-invalid',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const uri = targetUri(ctx, PATHS.rpc)
    const invalid = PROBLEMS.signatureInvalid
    must(await expectSignedProblems(ctx, client, [
      ['signed for another path', rpcEcho({ targetUri: variant(uri, (u) => void (u.pathname = PATHS.tickets)) }), invalid],
      ['signed for another scheme',
        rpcEcho({ targetUri: variant(uri, (u) => void (u.protocol = u.protocol === 'https:' ? 'http:' : 'https:')) }), invalid],
      ['signed for another port', rpcEcho({ targetUri: variant(uri, (u) => void (u.port = String(Number(u.port || 80) + 1))) }), invalid],
      ['signed with a query not sent', rpcEcho({ targetUri: `${uri}?x=1` }), invalid],
    ]))
    return PASS
  },
}
