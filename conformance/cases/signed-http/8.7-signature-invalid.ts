/**
 * Spec §8.7 step 8: a signature that does not verify over the signature base with the client's
 * key gets 401 signature-invalid: another key, a flipped bit, another method signed, and an
 * hmac-sha256 signature under another secret.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { PROBLEMS, SIZES } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { SignedHttpRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectSignedProblems, rpcEcho } from './support.ts'

/** The Signature field with one bit of its first signature byte inverted. */
function flipSignature(request: SignedHttpRequest): SignedHttpRequest {
  const field = request.headers['signature'] ?? ''
  const bytes = Buffer.from(field.slice(field.indexOf(':') + 1, -1), 'base64')
  bytes[0] = bytes[0]! ^ 0x01
  return { ...request, headers: { ...request.headers, signature: `pw=:${bytes.toString('base64')}:` } }
}

export const signatureInvalid: CaseDefinition = {
  id: '8.7-signature-invalid',
  level: 'MUST',
  requirement: 'pw-sig-8.7-signature-invalid',
  directOnly: 'plain-rpc',
  title: 'a signature that does not verify gets 401 signature-invalid',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const invalid = PROBLEMS.signatureInvalid
    const otherSeed = defaultBackend.randomBytes(SIZES.ed25519PublicKey)
    must(await expectSignedProblems(ctx, client, [
      ['ed25519 with another key', rpcEcho({ key: otherSeed }), invalid],
      ['one bit of the signature flipped', rpcEcho({ mutate: flipSignature }), invalid],
      ['signed as PUT, sent as POST', rpcEcho({ mutate: (r) => ({ ...r, method: 'POST' }), method: 'PUT' }), invalid],
      ['hmac-sha256 with another secret', rpcEcho({ alg: 'hmac-sha256', key: otherSeed }), invalid],
    ]))
    return PASS
  },
}
