/**
 * Request bodies the §2 and §10 cases start from: schema-valid `pair-start-request` and
 * `pair-finish-request` objects (spec §5.7, §5.8) built from fresh keys and a real SPAKE2 share,
 * which a case then breaks in exactly one way. Sending a valid body unchanged is never needed.
 */
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlEncode } from '../../protocol/encoding.ts'
import { PROTOCOL_VERSION, SIZES } from '../../protocol/registry.ts'
import { startClientPairing } from '../../protocol/spake2/index.ts'
import { advertisedDeviceKey, newClientKeys, pairStartBody } from '../drivers/pairing.ts'
import type { CaseContext } from '../model.ts'

/** pairing_id is 16 random bytes (spec §5.7). */
const PAIRING_ID_BYTES = 16
// Any six-digit PIN: the share only has to be a valid point, these bodies never pair.
const SAMPLE_PIN = '294017'

export type JsonObject = Record<string, unknown>

export function validPairStart(ctx: Pick<CaseContext, 'target'>): JsonObject {
  const keys = newClientKeys()
  const { pA } = startClientPairing({
    pin: SAMPLE_PIN,
    clientKey: keys.publicKey,
    deviceKey: advertisedDeviceKey(ctx),
  })
  return pairStartBody(keys, pA) as JsonObject
}

export function validPairFinish(): JsonObject {
  return {
    v: PROTOCOL_VERSION,
    pairing_id: base64urlEncode(defaultBackend.randomBytes(PAIRING_ID_BYTES)),
    cA: base64urlEncode(defaultBackend.randomBytes(SIZES.confirmationMac)),
  }
}
