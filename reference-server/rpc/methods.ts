/**
 * The JSON-RPC methods of the reference device (spec §7.6): `pairwire.echo`, which every device
 * MUST offer and the conformance harness drives, and `device.info`.
 */
import { METHODS } from '../../protocol/registry.ts'
import type { DeviceIdentity, RpcHandler } from '../context.ts'
import { InvalidParams } from './dispatch.ts'

/** pairwire.echo: result = params, which MUST be an object or an array (spec §7.6). */
export const echo: RpcHandler = (params) => {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidParams('pairwire.echo takes an object or an array')
  }
  return params
}

const isEmpty = (params: unknown): boolean =>
  params === undefined ||
  (typeof params === 'object' && params !== null && Object.keys(params).length === 0)

/** device.info: no params (or empty ones); the device's id and name and the caller's client_id. */
export function deviceInfo(identity: DeviceIdentity): RpcHandler {
  return (params, caller) => {
    if (!isEmpty(params)) throw new InvalidParams('device.info takes no params')
    return { device_id: identity.deviceId, name: identity.name, client_id: caller.clientId }
  }
}

export function defaultRpcMethods(identity: DeviceIdentity): Map<string, RpcHandler> {
  return new Map<string, RpcHandler>([
    [METHODS.echo, echo],
    [METHODS.deviceInfo, deviceInfo(identity)],
  ])
}
