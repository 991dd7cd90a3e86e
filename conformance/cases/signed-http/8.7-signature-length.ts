/**
 * Spec §8.7 {#pw-sig-8.7-signature-length}: a `pw` signature that is not exactly 64 bytes
 * (ed25519) or 32 bytes (hmac-sha256) gets 401 signature-invalid, whatever its bytes. Each cut
 * keeps a prefix of the right signature, so a device that compares only the bytes it was sent
 * accepts it (an hmac-sha256 MAC cut to one byte forges any request in ~256 tries); the long ones
 * append a byte to the right signature, which a device reading only the first bytes accepts.
 */
import { PROBLEMS, SIZES } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import type { SignedHttpRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectSignedProblems, rpcEcho } from './support.ts'

/** The Signature field with its signature bytes replaced by `edit` of them. */
function editSignature(edit: (bytes: Buffer) => Buffer) {
  return (request: SignedHttpRequest): SignedHttpRequest => {
    const field = request.headers['signature'] ?? ''
    const bytes = Buffer.from(field.slice(field.indexOf(':') + 1, -1), 'base64')
    return { ...request, headers: { ...request.headers, signature: `pw=:${edit(bytes).toString('base64')}:` } }
  }
}

const cutTo = (length: number) => editSignature((b) => b.subarray(0, length))
const oneLonger = editSignature((b) => Buffer.concat([b, Buffer.alloc(1)]))

/** Lengths to cut to: far short, half, one short. */
const CUTS = {
  'hmac-sha256': [1, 16, SIZES.hmacSha256Signature - 1],
  ed25519: [1, 32, SIZES.ed25519Signature - 1],
} as const

export const signatureLength: CaseDefinition = {
  id: '8.7-signature-length',
  level: 'MUST',
  requirement: 'pw-sig-8.7-signature-length',
  directOnly: 'plain-rpc',
  title: 'a signature one byte short, one byte long or far short gets 401 signature-invalid',
  profiles: ['signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const invalid = PROBLEMS.signatureInvalid
    const probes = Object.entries(CUTS).flatMap(([alg, cuts]) => [
      ...cuts.map((n) => [`${alg} cut to ${n} bytes`, rpcEcho({ alg, mutate: cutTo(n) }), invalid] as const),
      [`${alg} one byte too long`, rpcEcho({ alg, mutate: oneLonger }), invalid] as const,
    ])
    must(await expectSignedProblems(ctx, client, probes))
    return PASS
  },
}
