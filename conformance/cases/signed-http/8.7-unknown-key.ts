/**
 * Spec §8.7 step 7: a well-formed request whose keyid names no paired client gets 401
 * unknown-key. The key is fresh, so no PIN is needed.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { PROBLEMS, SIZES } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import { newClientKeys, type PairedClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { rpcEcho } from './support.ts'

export const unknownKey: CaseDefinition = {
  id: '8.7-unknown-key',
  level: 'MUST',
  requirement: 'pw-sig-8.7-unknown-key',
  directOnly: 'plain-rpc',
  title: 'a keyid that names no paired client gets 401 unknown-key',
  profiles: ['signed-http'],
  async run(ctx) {
    const keys = newClientKeys()
    const stranger: PairedClient = {
      clientId: keys.clientId,
      clientSeed: keys.seed,
      clientKey: keys.publicKey,
      pairingKey: defaultBackend.randomBytes(SIZES.pairingKey),
      deviceKey: new Uint8Array(SIZES.ed25519PublicKey),
      deviceId: ctx.target.discovery.device_id,
    }
    const res = await signedRequest(ctx, stranger, rpcEcho({ step: 'rpc signed by a client never paired' }))
    must(expectProblem(res, PROBLEMS.unknownKey))
    return PASS
  },
}
