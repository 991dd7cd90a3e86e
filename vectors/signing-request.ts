/**
 * The machinery of the signed-request vectors (spec §8): builds a request as a Pairwire client
 * signs it (RFC 9421 §2.5, §3.1; RFC 9530 Content-Digest), with any components, parameters and
 * parameter order a case asks for, optionally alters it on the way, and records the device's view
 * (clock, replay store) and the expected verdict.
 */
import { nobleBackend } from '../protocol/crypto/index.ts'
import { utf8Decode, utf8Encode } from '../protocol/encoding.ts'
import {
  contentDigest,
  parseSignedRequest,
  serializeByteSequenceDictionary,
  serializeInnerListDictionary,
  signatureBase,
  signSignatureBase,
  type BareItem,
  type HttpRequest,
  type InnerList,
} from '../protocol/httpsig/index.ts'
import { LABELS, PATHS, PROTOCOL_VERSION, type ProblemEntry } from '../protocol/registry.ts'
import type { SigningVectorFile } from '../schemas/src/vectors.ts'
import { problemFields } from './requirements.ts'
import { fixedNonce } from './seeds.ts'
import type { TestDraft } from './vector-file.ts'

type Group = SigningVectorFile['testGroups'][number]
export type SigningTest = TestDraft<Group['tests'][number]>

const b = nobleBackend

/** The device's clock in every case unless a case says otherwise (the spec §8.6 example). */
export const NOW = 1795428000
export const ORIGIN = 'https://192.168.1.20:8443'
export const TICKET_BODY = JSON.stringify({ v: PROTOCOL_VERSION })
export const RPC_BODY = '{"jsonrpc":"2.0","id":7,"method":"pairwire.echo","params":{"n":7}}'

export type Alg = 'ed25519' | 'hmac-sha256'

/** What signs a case: the algorithm and key actually used, and the keyid it claims. */
export interface SigningKey {
  alg: Alg
  key: Uint8Array
  keyid: string
}

export interface WireRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

type ParamName = 'created' | 'expires' | 'nonce' | 'keyid' | 'alg'

export interface CaseSpec {
  comment: string
  flags: string[]
  requirements?: string[]
  method?: string
  path?: string
  /** The body; omitted: the POST paths carry TICKET_BODY, DELETE none. null: no body. */
  body?: string | null
  /** Fields set before signing, replacing the defaults (Host, Content-Type, Content-Digest). */
  headers?: Record<string, string>
  /** Signs with this key instead of the group's. */
  signer?: SigningKey
  components?: string[]
  /** Parameter values replacing the defaults; null removes a parameter. */
  params?: Partial<Record<ParamName, BareItem | null>>
  /** Parameter order; default created, expires, nonce, keyid, alg. */
  order?: ParamName[]
  /** Alters the signed request on its way to the device. */
  mutate?: (request: WireRequest) => WireRequest
  now?: number
  /** The replay store: pairs already claimed; 'self' = this request's own (keyid, nonce). */
  replay?: 'self' | { keyid: string; nonce: string }[]
  expect: ProblemEntry | 'valid'
}

const DEFAULT_ORDER: ParamName[] = ['created', 'expires', 'nonce', 'keyid', 'alg']

function parameters(spec: CaseSpec, signer: SigningKey, label: string): Map<string, BareItem> {
  const defaults: Record<ParamName, BareItem | null> = {
    created: NOW,
    expires: null,
    nonce: fixedNonce(`signing ${label}`),
    keyid: signer.keyid,
    alg: signer.alg,
  }
  const values = { ...defaults, ...spec.params }
  const params = new Map<string, BareItem>()
  for (const name of spec.order ?? DEFAULT_ORDER) {
    const value = values[name]
    if (value !== null) params.set(name, value)
  }
  return params
}

function unsignedRequest(spec: CaseSpec): WireRequest {
  const method = spec.method ?? 'POST'
  const body = spec.body === undefined ? (method === 'POST' ? TICKET_BODY : null) : spec.body
  const url = ORIGIN + (spec.path ?? PATHS.tickets)
  const headers: Record<string, string> = { Host: new URL(url).host }
  if (body === null) return { method, url, headers: { ...headers, ...spec.headers } }
  headers['Content-Type'] = 'application/json'
  headers['Content-Digest'] = contentDigest(utf8Encode(body), b)
  return { method, url, headers: { ...headers, ...spec.headers }, body }
}

export const toHttpRequest = (r: WireRequest): HttpRequest => ({
  method: r.method,
  url: r.url,
  headers: r.headers,
  ...(r.body === undefined ? {} : { body: utf8Encode(r.body) }),
})

/** Signs as spec §8.2 says, or with the case's deviations, and applies the case's mutation. */
export function signedRequest(
  spec: CaseSpec,
  signer: SigningKey,
  label: string,
): { request: WireRequest; nonce: BareItem | undefined } {
  const request = unsignedRequest(spec)
  const fallback = request.body === undefined
    ? ['@method', '@target-uri']
    : ['@method', '@target-uri', 'content-digest']
  const items = (spec.components ?? fallback).map((value) => ({ value, params: new Map() }))
  const input: InnerList = { items, params: parameters(spec, signer, label) }
  const base = signatureBase(toHttpRequest(request), input)
  const signature = signSignatureBase(signer.alg, signer.key, base, b)
  const pw = LABELS.signatureLabel
  request.headers['Signature-Input'] = serializeInnerListDictionary(new Map([[pw, input]]))
  request.headers['Signature'] = serializeByteSequenceDictionary(new Map([[pw, signature]]))
  const sent = spec.mutate === undefined ? request : spec.mutate(request)
  return { request: sent, nonce: input.params.get('nonce') }
}

/** The signature base the device builds, when the request gets past parsing (spec §8.7 1-6). */
function deviceSignatureBase(request: WireRequest): string | undefined {
  try {
    return utf8Decode(parseSignedRequest(toHttpRequest(request), b).signatureBase)
  } catch {
    return undefined
  }
}

/** One test of the file from its case. */
export function signingTest(spec: CaseSpec, groupSigner: SigningKey, label: string): SigningTest {
  const signer = spec.signer ?? groupSigner
  const { request, nonce } = signedRequest(spec, signer, label)
  const base = deviceSignatureBase(request)
  const replay = spec.replay === 'self'
    ? [{ keyid: signer.keyid, nonce: String(nonce) }]
    : spec.replay ?? []
  return {
    comment: spec.comment,
    flags: spec.flags,
    result: spec.expect === 'valid' ? 'valid' : 'invalid',
    ...(spec.requirements === undefined ? {} : { requirements: spec.requirements }),
    ...request,
    now: spec.now ?? NOW,
    replay_store: replay,
    ...(base === undefined ? {} : { signature_base: base }),
    ...(spec.expect === 'valid' ? {} : problemFields(spec.expect)),
  } as SigningTest
}
