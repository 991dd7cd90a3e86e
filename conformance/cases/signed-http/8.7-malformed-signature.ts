/**
 * Spec §8.7 step 2: Signature-Input that is not a Dictionary of Inner Lists, or Signature that is
 * not a Dictionary of Byte Sequences, gets 400 malformed-signature.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { SignedHttpRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectSignedProblems, rpcEcho } from './support.ts'

function withField(name: 'signature-input' | 'signature', value: (old: string) => string) {
  return (request: SignedHttpRequest): SignedHttpRequest => ({
    ...request,
    headers: { ...request.headers, [name]: value(request.headers[name] ?? '') },
  })
}

export const malformedSignature: CaseDefinition = {
  id: '8.7-malformed-signature',
  level: 'MUST',
  requirement: 'pw-sig-8.7-malformed-signature',
  directOnly: 'plain-rpc',
  title: 'signature fields that are not the required structured fields get 400',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const malformed = PROBLEMS.malformedSignature
    must(await expectSignedProblems(ctx, client, [
      ['Signature-Input not a dictionary', rpcEcho({ mutate: withField('signature-input', () => 'pw=(("') }), malformed],
      ['Signature-Input member a string', rpcEcho({ mutate: withField('signature-input', () => 'pw="@method"') }), malformed],
      ['Signature member a token', rpcEcho({ mutate: withField('signature', () => 'pw=notbytes') }), malformed],
      ['Signature bytes not base64', rpcEcho({ mutate: withField('signature', () => 'pw=:%%%:') }), malformed],
    ]))
    return PASS
  },
}
