/**
 * Spec §7.6 (MAY): device.info, when implemented, returns the device's id and name (as in
 * discovery) and the caller's client_id. A device without it must refuse it cleanly with -32601;
 * the case then reports it as not supported.
 */
import { METHODS, RPC_ERRORS } from '../../../protocol/registry.ts'
import { expectRpcError, jsonEqual } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS, skip } from '../../verdicts.ts'
import { pairedSession } from './support.ts'

export const deviceInfo: CaseDefinition = {
  id: '7.6-device-info',
  level: 'MAY',
  requirement: 'pw-sess-7.6-device-info',
  title: 'device.info returns the device id and name and the caller id',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { client, session } = await pairedSession(ctx)
    const expected = { device_id: ctx.target.discovery.device_id, name: ctx.target.discovery.name, client_id: client.clientId }
    const bare = await session.call(METHODS.deviceInfo)
    if ('error' in bare) {
      const refusal = expectRpcError(bare, RPC_ERRORS.methodNotFound, bare['id'])
      return refusal ?? skip('device.info is not supported (refused cleanly with -32601)')
    }
    for (const response of [bare, await session.call(METHODS.deviceInfo, {})]) {
      if (!jsonEqual(response['result'], expected)) {
        return fail('device.info must return device_id, name and client_id (§7.6)', { result: expected }, response)
      }
    }
    return PASS
  },
}
