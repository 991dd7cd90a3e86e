/**
 * The Pairwire profile of RFC 9421 (spec §8). One signature, labelled LABELS.signatureLabel:
 *
 *   Signature-Input: pw=("@method" "@target-uri" "content-digest");created=1700000000;
 *                    nonce="<22 base64url chars>";keyid="pwc_...";alg="ed25519"      (one line)
 *   Signature: pw=:<standard base64 of the signature>:
 *   Content-Digest: sha-256=:<standard base64 of SHA-256(body)>:
 *
 * "content-digest" is covered, and Content-Digest sent, exactly when the request has a body
 * (at least one byte). Parameters: created (Integer seconds), optional expires (Integer seconds),
 * nonce (String, base64url of 16 random bytes), keyid (String, the client_id), alg (String,
 * "ed25519" or "hmac-sha256"); the signer writes them in that order, the verifier takes any order.
 *
 * A server checks a request in the order of spec §8: `parseSignedRequest` (no key, no clock),
 * look the keyid up, `verifyParsedSignature`, `checkSignatureTime` on the params it returns, then
 * claim the nonce, so unauthenticated traffic never reaches the clock check or the nonce store.
 */
import { defaultBackend, hkdfSha256, type CryptoBackend } from '../crypto/index.ts'
import { base64urlDecode, base64urlEncode, utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { LABELS, SIZES } from '../registry.ts'
import {
  isSignatureAlgorithm,
  signSignatureBase,
  verifySignatureBase,
  type SignatureAlgorithm,
} from './algorithms.ts'
import { contentDigest, verifyContentDigest } from './content-digest.ts'
import { fieldValue, hasBody, type HttpRequest } from './request.ts'
import { signatureBase } from './signature-base.ts'
import {
  parseByteSequenceDictionary,
  parseInnerListDictionary,
  serializeByteSequenceDictionary,
  serializeInnerListDictionary,
  type BareItem,
  type InnerList,
  type Parameters,
} from './structured-fields.ts'

/** Random bytes in a nonce (spec §8); base64url, so 22 characters on the wire. */
export const NONCE_BYTES = SIZES.signatureNonce

// The parameters the profile knows, in the order the signer writes them (RFC 9421 §2.3).
const PARAMETER_ORDER = ['created', 'expires', 'nonce', 'keyid', 'alg'] as const

export interface PairwireSignatureParams {
  readonly created: number
  readonly expires?: number
  readonly nonce: string
  readonly keyid: string
  readonly alg: SignatureAlgorithm
}

export interface ParsedSignedRequest {
  readonly label: string
  readonly components: readonly string[]
  readonly params: PairwireSignatureParams
  readonly signature: Uint8Array
  readonly signatureBase: Uint8Array
}

export interface SignRequestOptions {
  readonly request: HttpRequest
  readonly keyid: string
  readonly alg: string
  /** The 32-byte Ed25519 seed, or the HMAC secret. */
  readonly key: Uint8Array
  readonly created: number
  /** Defaults to a fresh `newNonce(backend)`. */
  readonly nonce?: string
  readonly expires?: number
  readonly backend?: CryptoBackend
}

/** The fields `signRequest` adds to the request. */
export interface SignatureFields {
  readonly 'signature-input': string
  readonly signature: string
  readonly 'content-digest'?: string
}

/** The components the profile covers, in order: content-digest only when there is a body. */
export function coveredComponents(request: HttpRequest): readonly string[] {
  return hasBody(request)
    ? ['@method', '@target-uri', 'content-digest']
    : ['@method', '@target-uri']
}

export function newNonce(backend: CryptoBackend = defaultBackend): string {
  return base64urlEncode(backend.randomBytes(NONCE_BYTES))
}

function malformed(detail: string): never {
  throw new ProtocolError('malformed-signature', detail)
}

function checkCoveredComponents(input: InnerList, expected: readonly string[]): void {
  const exact =
    input.items.length === expected.length &&
    input.items.every((item, i) => item.value === expected[i] && item.params.size === 0)
  if (!exact) {
    const list = expected.map((name) => `"${name}"`).join(' ')
    throw new ProtocolError('missing-component', `covered components must be exactly (${list})`)
  }
}

function requiredParameter(params: Parameters, name: string): BareItem {
  const value = params.get(name)
  if (value === undefined) throw new ProtocolError('missing-component', `parameter ${name}`)
  return value
}

function seconds(value: BareItem, name: string): number {
  if (typeof value !== 'number' || value < 0) malformed(`${name} must be a non-negative integer`)
  return value
}

function text(value: BareItem, name: string): string {
  if (typeof value !== 'string') malformed(`${name} must be a string`)
  return value
}

function isWellFormedNonce(nonce: string): boolean {
  try {
    base64urlDecode(nonce, NONCE_BYTES)
    return true
  } catch {
    return false
  }
}

/** The profile's checks on the parameters (spec §8), in the order the errors are reported. */
function profileParameters(params: Parameters): PairwireSignatureParams {
  const created = seconds(requiredParameter(params, 'created'), 'created')
  const nonce = text(requiredParameter(params, 'nonce'), 'nonce')
  const keyid = text(requiredParameter(params, 'keyid'), 'keyid')
  const alg = text(requiredParameter(params, 'alg'), 'alg')
  const expiresItem = params.get('expires')
  const expires = expiresItem === undefined ? undefined : seconds(expiresItem, 'expires')
  for (const name of params.keys()) {
    if (!(PARAMETER_ORDER as readonly string[]).includes(name)) malformed(`parameter ${name}`)
  }
  if (!isWellFormedNonce(nonce)) malformed('nonce must be base64url of 16 bytes')
  if (!isSignatureAlgorithm(alg)) throw new ProtocolError('unsupported-algorithm', alg)
  if (expires === undefined) return { created, nonce, keyid, alg }
  return { created, expires, nonce, keyid, alg }
}

/**
 * Signs `request` for the profile and returns the fields to add to it. Throws
 * 'unsupported-algorithm', 'malformed-signature' (a nonce or parameter the profile would reject)
 * or 'invalid-key'; it never produces a signature that `parseSignedRequest` would refuse.
 */
export function signRequest(options: SignRequestOptions): SignatureFields {
  const prepared = prepareSignature(options)
  const backend = options.backend ?? defaultBackend
  return prepared.fields(signSignatureBase(prepared.alg, options.key, prepared.base, backend))
}

/**
 * signRequest with an asynchronous Ed25519 (WebCrypto in browsers); hmac-sha256 stays on the
 * backend. The bytes are the same: Ed25519 is deterministic (RFC 8032 §5.1.6).
 */
export async function signRequestAsync(
  options: SignRequestOptions,
  ed25519Sign: (seed: Uint8Array, message: Uint8Array) => Promise<Uint8Array>,
): Promise<SignatureFields> {
  const prepared = prepareSignature(options)
  if (prepared.alg !== 'ed25519') {
    return prepared.fields(signSignatureBase(prepared.alg, options.key, prepared.base, options.backend))
  }
  if (options.key.length !== 32) throw new ProtocolError('invalid-key', 'Ed25519 seed must be 32 bytes')
  return prepared.fields(await ed25519Sign(options.key, prepared.base))
}

/** The signature base of `options.request` and the fields that carry a signature over it. */
function prepareSignature(options: SignRequestOptions) {
  const { request, backend = defaultBackend } = options
  const values = { ...options, nonce: options.nonce ?? newNonce(backend) }
  const params: Parameters = new Map()
  for (const name of PARAMETER_ORDER) {
    if (values[name] !== undefined) params.set(name, values[name])
  }
  const { alg } = profileParameters(params)
  const digest = hasBody(request) ? { 'content-digest': contentDigest(request.body, backend) } : {}
  const covered: HttpRequest = { method: request.method, url: request.url, headers: digest }
  const items = coveredComponents(request).map((value) => ({ value, params: new Map() }))
  const input: InnerList = { items, params }
  const label = LABELS.signatureLabel
  const fields = (signature: Uint8Array): SignatureFields => ({
    'signature-input': serializeInnerListDictionary(new Map([[label, input]])),
    signature: serializeByteSequenceDictionary(new Map([[label, signature]])),
    ...digest,
  })
  return { alg, base: signatureBase(covered, input), fields }
}

/**
 * Parses and checks a signed request without a key or a clock (spec §8). Fails with the first of:
 * 1. 'signature-missing': no Signature-Input, no Signature, or no `pw` member in either;
 * 2. 'malformed-signature': Signature-Input or Signature is not valid structured-field syntax;
 * 3. 'missing-component': the covered components are not exactly `coveredComponents(request)`;
 * 4. 'missing-component' for an absent required parameter, 'malformed-signature' for a parameter
 *    of the wrong type, an unknown parameter or a nonce that is not base64url of 16 bytes;
 * 5. 'unsupported-algorithm';
 * 6. 'digest-mismatch' when the request has a body (absent, malformed or wrong Content-Digest).
 */
export function parseSignedRequest(
  request: HttpRequest,
  backend: CryptoBackend = defaultBackend,
): ParsedSignedRequest {
  const label = LABELS.signatureLabel
  const inputField = fieldValue(request, 'signature-input')
  const signatureField = fieldValue(request, 'signature')
  if (inputField === undefined || signatureField === undefined) throw new ProtocolError('signature-missing')
  const input = parseInnerListDictionary(inputField).get(label)
  const signature = parseByteSequenceDictionary(signatureField).get(label)
  if (input === undefined || signature === undefined) throw new ProtocolError('signature-missing')
  const components = coveredComponents(request)
  checkCoveredComponents(input, components)
  const params = profileParameters(input.params)
  if (hasBody(request)) {
    verifyContentDigest(fieldValue(request, 'content-digest'), request.body, backend)
  }
  return { label, components, params, signature, signatureBase: signatureBase(request, input) }
}

/**
 * Verifies a parsed signature with the key registered for `parsed.params.keyid`: the client's
 * Ed25519 public key or the shared HMAC secret. Throws 'signature-invalid'; returns the now
 * authenticated parameters for `checkSignatureTime` and the nonce claim.
 */
export function verifyParsedSignature(
  parsed: ParsedSignedRequest,
  publicKeyOrSecret: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): PairwireSignatureParams {
  const { alg } = parsed.params
  verifySignatureBase(alg, publicKeyOrSecret, parsed.signatureBase, parsed.signature, backend)
  return parsed.params
}

/**
 * Spec §8.8: how long a claimed (keyid, nonce) must be kept, in seconds. `now` counts whole
 * seconds, so a request passes the clock check for real times in [created − skew,
 * created + skew + 1): 2 × skew + 1 seconds, one more than the skew arithmetic suggests.
 */
export function nonceTtlSeconds(skewSeconds: number): number {
  return 2 * skewSeconds + 1
}

/**
 * The clock check of spec §8, pure: false when |now - created| > skew or expires < now. There
 * is no ProtocolError code for it; the server maps false to the `clock-skew` problem.
 */
export function checkSignatureTime(
  params: Pick<PairwireSignatureParams, 'created' | 'expires'>,
  nowSeconds: number,
  skewSeconds: number,
): boolean {
  if (Math.abs(nowSeconds - params.created) > skewSeconds) return false
  return params.expires === undefined || params.expires >= nowSeconds
}

/**
 * The hmac-sha256 request key (spec §8.3): HKDF-SHA256(salt = empty, IKM = pairing key,
 * info = "pairwire/1 request hmac key", L = 32). Derived, never stored or sent.
 */
export function requestHmacKey(
  pairingKey: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): Uint8Array {
  const info = utf8Encode(LABELS.requestHmacKeyInfo)
  return hkdfSha256(backend, pairingKey, new Uint8Array(0), info, SIZES.pairingKey)
}
