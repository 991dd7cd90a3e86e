/**
 * Spec §8.7 step 6: a request with a body whose Content-Digest is absent, malformed, without a
 * sha-256 member, or not the digest of the body gets 400 digest-mismatch.
 */
import { sha512 } from '@noble/hashes/sha2.js'
import { utf8Encode } from '../../../protocol/encoding.ts'
import { serializeByteSequenceDictionary } from '../../../protocol/httpsig/index.ts'
import { PROBLEMS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { SignedHttpRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { echoBody, expectSignedProblems, rpcEcho } from './support.ts'

function digestField(value: string | undefined) {
  return (request: SignedHttpRequest): SignedHttpRequest =>
    ({ ...request, headers: { ...request.headers, 'content-digest': value } })
}

function otherBody(request: SignedHttpRequest): SignedHttpRequest {
  return { ...request, body: JSON.stringify(echoBody(['altered'])) }
}

export const digestMismatch: CaseDefinition = {
  id: '8.7-digest-mismatch',
  level: 'MUST',
  requirement: 'pw-sig-8.7-digest-mismatch',
  directOnly: 'plain-rpc',
  title: 'a body without its sha-256 Content-Digest gets 400 digest-mismatch',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const entry = PROBLEMS.digestMismatch
    const sha512Only = serializeByteSequenceDictionary(new Map([['sha-512', sha512(utf8Encode(JSON.stringify(echoBody())))]]))
    must(await expectSignedProblems(ctx, client, [
      ['body altered after signing', rpcEcho({ mutate: otherBody }), entry],
      ['no Content-Digest', rpcEcho({ mutate: digestField(undefined) }), entry],
      ['Content-Digest not a dictionary', rpcEcho({ mutate: digestField('sha-256=abc') }), entry],
      ['only a sha-512 member', rpcEcho({ mutate: digestField(sha512Only) }), entry],
    ]))
    return PASS
  },
}
