/**
 * Spec §8.7 steps 1-2: a request without Signature-Input or Signature, or whose fields have no
 * `pw` member, gets 401 signature-missing.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { SignedHttpRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectSignedProblems, rpcEcho } from './support.ts'

function without(...names: string[]) {
  return (request: SignedHttpRequest): SignedHttpRequest => ({
    ...request,
    headers: { ...request.headers, ...Object.fromEntries(names.map((name) => [name, undefined])) },
  })
}

/** Both fields with the label `sig` instead of `pw`. */
function otherLabel(request: SignedHttpRequest): SignedHttpRequest {
  const relabel = (value: string | undefined) => value?.replace(/^pw=/, 'sig=')
  return {
    ...request,
    headers: {
      ...request.headers,
      'signature-input': relabel(request.headers['signature-input']),
      signature: relabel(request.headers['signature']),
    },
  }
}

export const signatureMissing: CaseDefinition = {
  id: '8.7-signature-missing',
  level: 'MUST',
  requirement: 'pw-sig-8.7-signature-missing',
  directOnly: 'plain-rpc',
  title: 'a request without a pw signature gets 401 signature-missing',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const missing = PROBLEMS.signatureMissing
    must(await expectSignedProblems(ctx, client, [
      ['no signature fields', rpcEcho({ mutate: without('signature-input', 'signature') }), missing],
      ['no Signature', rpcEcho({ mutate: without('signature') }), missing],
      ['no Signature-Input', rpcEcho({ mutate: without('signature-input') }), missing],
      ['label sig instead of pw', rpcEcho({ mutate: otherLabel }), missing],
    ]))
    return PASS
  },
}
