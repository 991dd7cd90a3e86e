/**
 * Spec §3.1 {#pw-keys-3.1-device-key-stable}: the device keeps one key pair, and so one
 * device_id. Over the wire the harness cannot restart the device, so it checks the part it can
 * see: the device_key and device_id of discovery are those the run started with, on every
 * request (a device that makes a new key per start-up or per request fails here).
 */
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { getDiscovery } from '../discovery/discovery-request.ts'

const READS = 3

export const deviceKeyStable: CaseDefinition = {
  id: '3.1-device-key-stable',
  level: 'MUST',
  requirement: 'pw-keys-3.1-device-key-stable',
  title: 'device_key and device_id stay those the run started with',
  async run(ctx) {
    const { device_key: key, device_id: id } = ctx.target.discovery
    const first = { device_key: key, device_id: id }
    for (let i = 1; i <= READS; i++) {
      const step = `GET discovery (read ${i} of ${READS})`
      const { device_key, device_id } = await getDiscovery(ctx, step)
      if (device_key !== first.device_key || device_id !== first.device_id) {
        return fail('the device identity changed during the run', first, { device_key, device_id })
      }
    }
    return PASS
  },
}
