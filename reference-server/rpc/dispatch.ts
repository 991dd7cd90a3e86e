/**
 * The JSON-RPC 2.0 dispatcher (JSON-RPC 2.0 §4 - §5, spec §7.6), shared by Noise sessions and
 * POST /pairwire/v1/rpc. One message is one Request object; batches are not part of Pairwire, so
 * an array is an Invalid Request like any other non-object. The answers:
 * - not JSON → Parse error -32700 with id null (§5.1);
 * - not a valid Request or Notification → Invalid Request -32600 with id null (spec §7.6), even
 *   when the id member is absent, since such a message is not a valid Notification either;
 * - unknown method → -32601; a handler throwing InvalidParams → -32602; anything else a handler
 *   throws → -32603, logged here, with no message, stack or detail on the wire;
 * - a valid Notification (no id member) gets no response at all, even when it fails (§4.1).
 * dispatchRpc never throws and never rejects.
 */
import { RPC_ERRORS } from '../../protocol/registry.ts'
import type { Logger, RpcCaller, RpcHandler } from '../context.ts'
import { checkRequest, JSONRPC_VERSION, type RpcId } from './request.ts'

/** Thrown by a handler whose params are not what it accepts; answered -32602 (§5.1). */
export class InvalidParams extends Error {
  constructor(detail = 'params not accepted') {
    super(detail)
    this.name = 'InvalidParams'
  }
}

type RpcErrorEntry = (typeof RPC_ERRORS)[keyof typeof RPC_ERRORS]

export interface RpcSuccess {
  jsonrpc: typeof JSONRPC_VERSION
  id: RpcId
  result: unknown
}

export interface RpcFailure {
  jsonrpc: typeof JSONRPC_VERSION
  id: RpcId
  error: { code: number; message: string }
}

export type RpcResponse = RpcSuccess | RpcFailure

export function rpcError(id: RpcId, entry: RpcErrorEntry): RpcFailure {
  return { jsonrpc: JSONRPC_VERSION, id, error: { code: entry.code, message: entry.message } }
}

/** The outcome of calling a handler: its result, or the registry entry of its failure. */
async function invoke(
  handler: RpcHandler,
  params: unknown,
  caller: RpcCaller,
  log: Logger | undefined,
  method: string,
): Promise<{ result: unknown } | { error: RpcErrorEntry }> {
  try {
    // §5: result is REQUIRED on success; a handler returning nothing answers null.
    return { result: (await handler(params, caller)) ?? null }
  } catch (e) {
    if (e instanceof InvalidParams) return { error: RPC_ERRORS.invalidParams }
    log?.error('rpc.handler-error', { method, client_id: caller.clientId, error: String(e) })
    return { error: RPC_ERRORS.internalError }
  }
}

/**
 * Dispatches one parsed JSON-RPC message from `caller` to `methods`. Returns the Response object,
 * or null when the message is a Notification. `log` receives handler failures (-32603).
 */
export async function dispatchRpc(
  message: unknown,
  caller: RpcCaller,
  methods: ReadonlyMap<string, RpcHandler>,
  log?: Logger,
): Promise<RpcResponse | null> {
  const request = checkRequest(message)
  if (request === null) return rpcError(null, RPC_ERRORS.invalidRequest)
  const handler = methods.get(request.method)
  const outcome =
    handler === undefined
      ? { error: RPC_ERRORS.methodNotFound }
      : await invoke(handler, request.params, caller, log, request.method)
  if (!('id' in request)) return null
  return 'error' in outcome
    ? rpcError(request.id, outcome.error)
    : { jsonrpc: JSONRPC_VERSION, id: request.id, result: outcome.result }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Parses UTF-8 JSON text (or bytes) and dispatches it; text that is not JSON is -32700. */
export async function dispatchRpcText(
  text: string | Uint8Array,
  caller: RpcCaller,
  methods: ReadonlyMap<string, RpcHandler>,
  log?: Logger,
): Promise<RpcResponse | null> {
  let message: unknown
  try {
    message = JSON.parse(typeof text === 'string' ? text : strictUtf8.decode(text))
  } catch {
    return rpcError(null, RPC_ERRORS.parseError)
  }
  return dispatchRpc(message, caller, methods, log)
}
