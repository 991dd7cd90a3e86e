import t from 'tap'
import { METHODS, RPC_ERRORS } from '../../protocol/registry.ts'
import type { DeviceIdentity, RpcCaller } from '../context.ts'
import { dispatchRpc } from './dispatch.ts'
import { defaultRpcMethods } from './methods.ts'

const identity: DeviceIdentity = {
  seed: new Uint8Array(32),
  publicKey: new Uint8Array(32),
  deviceId: 'pwd_AAAAAAAAAAAAAAAAAAAAAA',
  name: 'Test device',
}
const caller: RpcCaller = { clientId: 'pwc_AAAAAAAAAAAAAAAAAAAAAA' }
const methods = defaultRpcMethods(identity)
const call = (method: string, params?: unknown) => {
  const message = { jsonrpc: '2.0', id: 1, method, ...(params === undefined ? {} : { params }) }
  return dispatchRpc(message, caller, methods)
}

t.test('the reference device offers exactly pairwire.echo and device.info', async (t) => {
  t.same([...methods.keys()].sort(), [METHODS.deviceInfo, METHODS.echo])
})

t.test('pairwire.echo answers its params, objects and arrays alike (spec §7.6)', async (t) => {
  for (const params of [{}, [], { nested: { list: [1, 'x', null, true] } }, [[], {}, 0.5]]) {
    t.same(await call(METHODS.echo, params), { jsonrpc: '2.0', id: 1, result: params })
  }
})

const invalidParams = {
  jsonrpc: '2.0',
  id: 1,
  error: { code: RPC_ERRORS.invalidParams.code, message: RPC_ERRORS.invalidParams.message },
}

t.test('pairwire.echo without params is -32602 (spec §7.6)', async (t) => {
  t.same(await call(METHODS.echo), invalidParams)
})

t.test('device.info names the device and the caller; no params (spec §7.6)', async (t) => {
  const info = { device_id: identity.deviceId, name: identity.name, client_id: caller.clientId }
  for (const params of [undefined, {}, []]) {
    t.same(await call(METHODS.deviceInfo, params), { jsonrpc: '2.0', id: 1, result: info })
  }
  t.same(await call(METHODS.deviceInfo, { ignored: true }), invalidParams)
  t.same(await call(METHODS.deviceInfo, [1]), invalidParams)
})
