/**
 * JSON-RPC 2.0 as the client speaks it (spec §7.6, §8.9): building requests and notifications,
 * settling a response into a result or an RpcError, and sorting what the device sends. A client
 * sends requests and notifications only; a device sends responses and notifications, so anything
 * else from it is ignored, as is a response to no outstanding request (spec §7.6).
 */
import { validateMessage, type Message } from '../schemas/validate.ts'
import { RpcError } from './errors.ts'

const JSONRPC_VERSION = '2.0'

export type RpcResponse = Message<'jsonrpc-response'>

/** JSON-RPC 2.0 §4.2: params is an object or an array, or absent. */
export type RpcParams = Record<string, unknown> | unknown[] | undefined

export function rpcRequest(id: number, method: string, params: RpcParams): object {
  return params === undefined
    ? { jsonrpc: JSONRPC_VERSION, id, method }
    : { jsonrpc: JSONRPC_VERSION, id, method, params }
}

export function rpcNotification(method: string, params: RpcParams): object {
  return params === undefined
    ? { jsonrpc: JSONRPC_VERSION, method }
    : { jsonrpc: JSONRPC_VERSION, method, params }
}

/** The result of a response, or its error as an RpcError (JSON-RPC 2.0 §5.1). */
export function settle(response: RpcResponse): unknown {
  if ('error' in response) {
    const { code, message, data } = response.error
    throw new RpcError(code, message, data)
  }
  return response.result
}

export type Incoming =
  | { readonly kind: 'response'; readonly message: RpcResponse }
  | { readonly kind: 'notification'; readonly message: Message<'jsonrpc-notification'> }
  | { readonly kind: 'other' }

/** Sorts one parsed JSON value from the device. */
export function classify(value: unknown): Incoming {
  const response = validateMessage('jsonrpc-response', value)
  if (response.ok) return { kind: 'response', message: response.value }
  const notification = validateMessage('jsonrpc-notification', value)
  if (notification.ok) return { kind: 'notification', message: notification.value }
  return { kind: 'other' }
}
