/**
 * Spec §3.2 {#pw-keys-3.2-id-derivation}: the device computes its device_id as "pwd_" +
 * base64url(SHA-256(device_key)[0..15]); discovery's device_id must be that of its device_key.
 * (The client_id a device computes is checked by the pairing cases, at pair/finish.)
 */
import { base64urlDecode } from '../../../protocol/encoding.ts'
import { deviceIdOf } from '../../../protocol/ids.ts'
import { SIZES } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { getDiscovery } from '../discovery/discovery-request.ts'

export const idDerivation: CaseDefinition = {
  id: '3.2-id-derivation',
  level: 'MUST',
  requirement: 'pw-keys-3.2-id-derivation',
  title: 'discovery device_id is the id of device_key',
  async run(ctx) {
    const discovery = await getDiscovery(ctx)
    const expected = deviceIdOf(base64urlDecode(discovery.device_key, SIZES.ed25519PublicKey))
    return discovery.device_id === expected
      ? PASS
      : fail('device_id is not derived from device_key (§3.2)', expected, discovery.device_id)
  },
}
