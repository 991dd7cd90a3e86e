/**
 * Which JSON-RPC 2.0 messages the device accepts (JSON-RPC 2.0 §4, spec §7.6), decided by the
 * schemas of schemas/validate.ts: a message is a Request when it matches `jsonrpc-request`
 * (jsonrpc "2.0", a String or integer id, a non-empty method, params an Array or Object when
 * present, no other members) and a Notification when it matches `jsonrpc-notification` (the same
 * without id, §4.1). Anything else, batches (Arrays) included, is an Invalid Request, answered
 * with id null even when the object has a readable id (spec §7.6).
 */
import { validateMessage, type Message } from '../../schemas/validate.ts'

export const JSONRPC_VERSION = '2.0'

/** The id of a Response (§5): null for a parse error or an Invalid Request. */
export type RpcId = string | number | null

export type RpcRequest = Message<'jsonrpc-request'> | Message<'jsonrpc-notification'>

/** The Request or Notification `message` is, or null when it is an Invalid Request. */
export function checkRequest(message: unknown): RpcRequest | null {
  const asRequest = validateMessage('jsonrpc-request', message)
  if (asRequest.ok) return asRequest.value
  const asNotification = validateMessage('jsonrpc-notification', message)
  return asNotification.ok ? asNotification.value : null
}
