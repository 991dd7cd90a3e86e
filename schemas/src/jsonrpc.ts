/**
 * JSON-RPC 2.0 objects carried in Noise transport messages and by POST /pairwire/v1/rpc
 * (spec §7.6, §8): one request, response or notification per message, never a batch. These
 * objects follow JSON-RPC 2.0 §4 - §5 and carry no `v`; Pairwire's profile adds only that
 * unknown members are rejected.
 */
import Type from 'typebox'

const JSONRPC_VERSION = '2.0'
const Jsonrpc = Type.Literal(JSONRPC_VERSION)

// JSON-RPC 2.0 §4: any string (spec §7.6); an unknown or reserved name is -32601, not invalid.
const Method = Type.String()

// §4.2: params, when present, is a structured value (by-name object or by-position array).
const Params = Type.Union([Type.Object({}), Type.Array(Type.Unknown())])

// §4: an id is a String or a Number that SHOULD NOT have a fraction. Pairwire requires integers
// and forbids null in requests: null is what a response carries when the id could not be read.
const RequestId = Type.Union([Type.String(), Type.Integer()])
const ResponseId = Type.Union([Type.String(), Type.Integer(), Type.Null()])

export const JsonrpcRequest = Type.Object(
  { jsonrpc: Jsonrpc, id: RequestId, method: Method, params: Type.Optional(Params) },
  { additionalProperties: false, description: 'JSON-RPC 2.0 request (JSON-RPC 2.0 §4)' },
)

export const JsonrpcNotification = Type.Object(
  { jsonrpc: Jsonrpc, method: Method, params: Type.Optional(Params) },
  { additionalProperties: false, description: 'JSON-RPC 2.0 notification, no id (§4.1)' },
)

// §5.1: the error object; `data` is any JSON value the server chooses.
const RpcError = Type.Object(
  { code: Type.Integer(), message: Type.String(), data: Type.Optional(Type.Unknown()) },
  { additionalProperties: false },
)

// §5: exactly one of result and error. With additionalProperties false on both branches, at most
// one branch can match any object, so anyOf here means "result XOR error".
export const JsonrpcResponse = Type.Union(
  [
    Type.Object(
      { jsonrpc: Jsonrpc, id: ResponseId, result: Type.Unknown() },
      { additionalProperties: false },
    ),
    Type.Object(
      { jsonrpc: Jsonrpc, id: ResponseId, error: RpcError },
      { additionalProperties: false },
    ),
  ],
  { description: 'JSON-RPC 2.0 response: result XOR error (JSON-RPC 2.0 §5)' },
)
