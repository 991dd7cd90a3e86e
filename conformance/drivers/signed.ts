/**
 * The signed-request driver of the conformance harness (spec §8): RFC 9421 signatures with the
 * label `pw`, built from the signature-base and algorithm functions of protocol/httpsig, so that a
 * case can choose every part the device checks: `created`, `expires`, `nonce`, `keyid`, `alg`, the
 * covered components and their order, the parameter list and its order, the signed @target-uri
 * and the signing key, and finally `mutate` the request after signing (drop a field, alter the
 * body). With no overrides the request is exactly what a conforming client sends (§8.2 - §8.5).
 */
import { defaultBackend, hkdfSha256 } from '../../protocol/crypto/index.ts'
import { utf8Encode } from '../../protocol/encoding.ts'
import {
  contentDigest,
  isSignatureAlgorithm,
  newNonce,
  serializeByteSequenceDictionary,
  serializeInnerListDictionary,
  signSignatureBase,
  signatureBase,
  type BareItem,
  type HttpRequest,
  type InnerList,
  type StringItem,
} from '../../protocol/httpsig/index.ts'
import { LABELS, PATHS, SIZES } from '../../protocol/registry.ts'
import type { CaseContext } from '../model.ts'
import { httpRequest, type HttpResponse } from './http.ts'
import type { PairedClient } from './pairing.ts'

/** A signed request ready to send; `mutate` may change any of it after signing. */
export interface SignedHttpRequest {
  readonly method: string
  /** Path and query as sent in the request line. */
  readonly path: string
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body?: string | Uint8Array
  /** The signature parameters used, for cases that reuse them. */
  readonly nonce: string
  readonly created: number
  /** The RFC 9421 §2.5 signature base that was signed, for the trace (-v). */
  readonly signatureBase?: string
}

export interface SignOptions {
  readonly method: string
  readonly path: string
  /** A string or bytes are sent as is; an object is sent as its JSON text. */
  readonly body?: string | Uint8Array | object
  /** The `alg` parameter; default `ed25519`. An unknown value is signed with Ed25519. */
  readonly alg?: string
  /** Default: the harness clock now. */
  readonly created?: number
  readonly expires?: number
  /** Default: 16 fresh random bytes. */
  readonly nonce?: string
  /** Default: the client's client_id. */
  readonly keyid?: string
  /** Signing key override (default: the client's seed or its request HMAC key). */
  readonly key?: Uint8Array
  /** Covered components override (default: those of §8.2 for this request). */
  readonly components?: readonly (string | StringItem)[]
  /** Replaces the whole parameter list, in this order (default: §8.2's order). */
  readonly params?: readonly (readonly [string, BareItem])[]
  /** The @target-uri to sign (default: the URI the request is sent to, §8.4). */
  readonly targetUri?: string
  readonly mutate?: (request: SignedHttpRequest) => SignedHttpRequest
  /** Label of the exchange in the report. */
  readonly step?: string
}

const HMAC_KEY_INFO = utf8Encode(LABELS.requestHmacKeyInfo)
const JSON_MEDIA_TYPE = 'application/json'

/** The harness clock in integer seconds (§2.7). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

/** §8.3: request HMAC key = HKDF-SHA256(salt = empty, IKM = pairing key, info, L = 32). */
export function requestHmacKey(pairingKey: Uint8Array): Uint8Array {
  return hkdfSha256(defaultBackend, pairingKey, new Uint8Array(0), HMAC_KEY_INFO, SIZES.pairingKey)
}

/** §8.4: the absolute target URI the request is sent to (lower-case host, default port dropped). */
export function targetUri(ctx: Pick<CaseContext, 'target'>, path: string): string {
  return new URL(path, ctx.target.url).href
}

function bodyText(body: SignOptions['body']): string | Uint8Array | undefined {
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return body
  return JSON.stringify(body)
}

function bodyBytes(body: string | Uint8Array | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0)
  return typeof body === 'string' ? utf8Encode(body) : body
}

function item(component: string | StringItem): StringItem {
  return typeof component === 'string' ? { value: component, params: new Map() } : component
}

function defaultParams(
  created: number,
  options: SignOptions,
  nonce: string,
  keyid: string,
): [string, BareItem][] {
  const params: [string, BareItem][] = [['created', created]]
  if (options.expires !== undefined) params.push(['expires', options.expires])
  params.push(['nonce', nonce], ['keyid', keyid], ['alg', options.alg ?? 'ed25519'])
  return params
}

/** The key `alg` signs with: the Ed25519 seed, or the request HMAC key for hmac-sha256. */
function signingKey(client: PairedClient, alg: string): Uint8Array {
  return alg === 'hmac-sha256' ? requestHmacKey(client.pairingKey) : client.clientSeed
}

/**
 * RFC 9421 §2.5 signature base. A component the profile cannot evaluate (e.g. one with a
 * component parameter) has no base: the device must refuse such a list before it verifies any
 * signature (§8.7 step 3), so an empty base, and hence any signature, will do.
 */
function baseOf(covered: HttpRequest, input: InnerList): Uint8Array {
  try {
    return signatureBase(covered, input)
  } catch {
    return new Uint8Array(0)
  }
}

/** Builds and signs a request as §8.2 - §8.5 describe, with the overrides of `options`. */
export function prepareSigned(
  ctx: Pick<CaseContext, 'target'>,
  client: PairedClient,
  options: SignOptions,
): SignedHttpRequest {
  const body = bodyText(options.body)
  const bytes = bodyBytes(body)
  const created = options.created ?? nowSeconds()
  const nonce = options.nonce ?? newNonce()
  const keyid = options.keyid ?? client.clientId
  const alg = options.alg ?? 'ed25519'
  const signAlg = isSignatureAlgorithm(alg) ? alg : 'ed25519'
  const components =
    options.components ??
    (bytes.length > 0 ? ['@method', '@target-uri', 'content-digest'] : ['@method', '@target-uri'])
  const digested = bytes.length > 0 || components.some((c) => item(c).value === 'content-digest')
  const digest = digested ? { 'content-digest': contentDigest(bytes) } : {}
  const input: InnerList = {
    items: components.map(item),
    params: new Map(options.params ?? defaultParams(created, options, nonce, keyid)),
  }
  const covered = {
    method: options.method,
    url: options.targetUri ?? targetUri(ctx, options.path),
    // Covering content-type (a wrong component) signs the value httpRequest sends with a body.
    headers: { ...digest, ...(bytes.length > 0 ? { 'content-type': JSON_MEDIA_TYPE } : {}) },
  }
  const key = options.key ?? signingKey(client, signAlg)
  const base = baseOf(covered, input)
  const signature = signSignatureBase(signAlg, key, base)
  const label = LABELS.signatureLabel
  const request: SignedHttpRequest = {
    method: options.method,
    path: options.path,
    headers: {
      ...digest,
      'signature-input': serializeInnerListDictionary(new Map([[label, input]])),
      signature: serializeByteSequenceDictionary(new Map([[label, signature]])),
    },
    ...(body === undefined ? {} : { body }),
    nonce,
    created,
    signatureBase: new TextDecoder().decode(base),
  }
  return options.mutate ? options.mutate(request) : request
}

/** Sends a prepared request (again, for a replay); the answer is returned as is. */
export function sendSigned(
  ctx: CaseContext,
  request: SignedHttpRequest,
  step?: string,
): Promise<HttpResponse> {
  const { method, path, headers, body, signatureBase } = request
  // The base as signed, before any mutation of the case (-v, spec §14.2).
  const trace = ['signature base:', ...(signatureBase ?? '').split('\n').map((l) => `  ${l}`)]
  return httpRequest(ctx, {
    method,
    path,
    headers,
    trace,
    ...(body === undefined ? {} : { body }),
    ...(step === undefined ? {} : { step }),
  })
}

/** Signs and sends one request; the answer is returned as is. */
export function signedRequest(
  ctx: CaseContext,
  client: PairedClient,
  options: SignOptions,
): Promise<HttpResponse> {
  return sendSigned(ctx, prepareSigned(ctx, client, options), options.step)
}

/** Signed DELETE clients/self (§9.2): unpairs `client`; the answer is returned as is. */
export function unpair(ctx: CaseContext, client: PairedClient, step = 'DELETE clients/self'): Promise<HttpResponse> {
  return signedRequest(ctx, client, { method: 'DELETE', path: PATHS.clientsSelf, step })
}
