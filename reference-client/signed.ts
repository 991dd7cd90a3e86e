/**
 * Signed HTTP requests (spec §8, RFC 9421 with the Pairwire profile), and the three endpoints
 * that need them: tickets (spec §6), JSON-RPC over HTTP (spec §8.9) and unpairing (spec §9.2).
 * Each request is signed afresh: created = now, a new 16-byte nonce, keyid = client_id, and
 * @target-uri = the absolute URL the request goes to. ed25519 signs with the client seed;
 * hmac-sha256 with HKDF-SHA256(salt empty, IKM pairing key, info LABELS.requestHmacKeyInfo, 32).
 */
import {
  defaultBackend,
  platformAsyncPrimitives,
  type AsyncPrimitives,
  type CryptoBackend,
} from '../protocol/crypto/index.ts'
import { utf8Encode } from '../protocol/encoding.ts'
import { isProtocolError } from '../protocol/errors.ts'
import {
  requestHmacKey,
  signRequest,
  signRequestAsync,
  type SignatureAlgorithm,
} from '../protocol/httpsig/index.ts'
import { PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'
import type { Message } from '../schemas/validate.ts'
import { secretKeys, type Credentials } from './credentials.ts'
import { ClientError } from './errors.ts'
import { JSON_MEDIA_TYPE, readMessage, requireSuccess, send } from './http.ts'
import { rpcRequest, settle, type RpcParams, type RpcResponse } from './jsonrpc.ts'
import { resolveFetch, type FetchFunction } from './platform.ts'
import { endpoint, websocketUrl } from './urls.ts'
import { clientFault } from './faults.ts'
import { base64urlEncode } from '../protocol/encoding.ts'

export interface SignedRequestOptions {
  readonly method: string
  /** An absolute path such as PATHS.rpc, optionally with a query. */
  readonly path: string
  /** Bytes or text are sent as they are; any other value as JSON. Always application/json. */
  readonly body?: Uint8Array | string | object
  readonly alg?: SignatureAlgorithm
  readonly fetch?: FetchFunction
  readonly backend?: CryptoBackend
  /**
   * Ed25519 (and, for sessions, X25519 and AES-GCM) from WebCrypto or noble, asynchronously: the
   * default outside Node (platformAsyncPrimitives); on Node the synchronous backend is used.
   */
  readonly primitives?: AsyncPrimitives
}

/** Options of the helpers built on signedFetch. */
export type SignedCallOptions = Pick<SignedRequestOptions, 'alg' | 'fetch' | 'backend' | 'primitives'>

/** Spec §8.3: the hmac-sha256 request key (derived in the protocol core). */
export { requestHmacKey }

function bodyBytes(body: SignedRequestOptions['body']): Uint8Array | undefined {
  if (body === undefined || body instanceof Uint8Array) return body
  return utf8Encode(typeof body === 'string' ? body : JSON.stringify(body))
}

async function signatureFields(
  credentials: Credentials,
  options: SignedRequestOptions,
  url: string,
  body?: Uint8Array,
) {
  const primitives = options.primitives ?? (await platformAsyncPrimitives())
  const backend = options.backend ?? defaultBackend
  const alg = options.alg ?? 'ed25519'
  const keys = secretKeys(credentials)
  const key = alg === 'hmac-sha256' ? requestHmacKey(keys.pairingKey, backend) : keys.seed
  const created = Math.floor(Date.now() / 1000) - (clientFault('stale-created') ? 120 : 0)
  const request = { method: options.method, url, headers: {}, body }
  // The reuse-nonce fault switch: one nonce per client, derived from its id.
  const nonce = clientFault('reuse-nonce')
    ? { nonce: base64urlEncode(backend.sha256(utf8Encode(credentials.client_id)).subarray(0, 16)) }
    : {}
  try {
    const signing = { request, keyid: credentials.client_id, alg, key, created, backend, ...nonce }
    return primitives === undefined ? signRequest(signing) : await signRequestAsync(signing, primitives.ed25519Sign)
  } catch (error) {
    if (isProtocolError(error, 'unsupported-algorithm')) {
      throw ClientError.usage('alg must be ed25519 or hmac-sha256')
    }
    throw error
  }
}

/** Sends one signed request to the device of `credentials` and returns its answer as is. */
export async function signedFetch(
  credentials: Credentials,
  options: SignedRequestOptions,
): Promise<Response> {
  const fetchFn = await resolveFetch(options.fetch)
  const url = endpoint(credentials.url, options.path)
  const body = bodyBytes(options.body)
  const fields = await signatureFields(credentials, options, url, body)
  const headers: Record<string, string> = { ...fields }
  if (body !== undefined) headers['content-type'] = JSON_MEDIA_TYPE
  const init: RequestInit = { method: options.method, headers }
  // A copy on its own ArrayBuffer: what fetch accepts as BufferSource.
  if (body !== undefined) init.body = body.slice()
  return send(fetchFn, url, init)
}

/** Spec §6.1: a single-use session ticket. */
export async function requestTicket(
  credentials: Credentials,
  options: SignedCallOptions = {},
): Promise<Message<'ticket-response'>> {
  const body = { v: PROTOCOL_VERSION }
  const request = { ...options, method: 'POST', path: PATHS.tickets, body }
  const response = await signedFetch(credentials, request)
  return readMessage(response, 'ticket-response', 'ticket-response')
}

/**
 * Spec §7.2: the URL and the signature fields of a signed upgrade, the GET of the session URL
 * signed as a request without a body; its @target-uri is the URL's http(s) form (§8.4).
 */
export async function signedUpgrade(
  credentials: Credentials,
  options: SignedCallOptions = {},
): Promise<{ url: string; headers: Record<string, string> }> {
  const targetUri = endpoint(credentials.url, PATHS.websocket)
  const headers = await signatureFields(credentials, { ...options, method: 'GET', path: PATHS.websocket }, targetUri)
  return { url: websocketUrl(credentials.url), headers: { ...headers } }
}

/** Spec §8.9: one JSON-RPC request over POST PATHS.rpc; the response object as received. */
export async function signedRequest(
  credentials: Credentials,
  method: string,
  params?: RpcParams,
  options: SignedCallOptions = {},
): Promise<RpcResponse> {
  const id = 1
  const body = rpcRequest(id, method, params)
  const request = { ...options, method: 'POST', path: PATHS.rpc, body }
  const response = await signedFetch(credentials, request)
  const answer = await readMessage(response, 'jsonrpc-response', 'rpc-response')
  if (answer.id !== id) throw ClientError.verification('rpc-response')
  return answer
}

/** Spec §8.9: one JSON-RPC call over POST PATHS.rpc; the result, or an RpcError. */
export async function signedCall(
  credentials: Credentials,
  method: string,
  params?: RpcParams,
  options: SignedCallOptions = {},
): Promise<unknown> {
  return settle(await signedRequest(credentials, method, params, options))
}

/** Spec §9.2: DELETE PATHS.clientsSelf; the device forgets this client. */
export async function unpair(
  credentials: Credentials,
  options: SignedCallOptions = {},
): Promise<void> {
  const request = { ...options, method: 'DELETE', path: PATHS.clientsSelf }
  const response = await signedFetch(credentials, request)
  await requireSuccess(response)
}
