/**
 * JSON-RPC 2.0 for Pairwire (spec §7.6): the dispatcher shared by Noise sessions and
 * POST /pairwire/v1/rpc, and the reference device's methods.
 */
export {
  dispatchRpc,
  dispatchRpcText,
  InvalidParams,
  rpcError,
  type RpcFailure,
  type RpcResponse,
  type RpcSuccess,
} from './dispatch.ts'
export { defaultRpcMethods, deviceInfo, echo } from './methods.ts'
export { checkRequest, JSONRPC_VERSION, type RpcId, type RpcRequest } from './request.ts'
