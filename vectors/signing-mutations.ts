/**
 * Alterations of a signed request between the client and the device, for the signed-request
 * vectors: each returns a new request and leaves its input unchanged.
 */
import {
  parseByteSequenceDictionary,
  serializeByteSequenceDictionary,
} from '../protocol/httpsig/index.ts'
import { LABELS } from '../protocol/registry.ts'
import type { WireRequest } from './signing-request.ts'

type Mutation = (r: WireRequest) => WireRequest

export const setHeader = (name: string, value: string): Mutation => (r) => ({
  ...r,
  headers: { ...r.headers, [name]: value },
})

export const removeHeader = (name: string): Mutation => (r) => {
  const headers = { ...r.headers }
  delete headers[name]
  return { ...r, headers }
}

/** Replaces `from` by `to` in one header's value; `from` must occur. */
export const replaceInHeader = (name: string, from: string, to: string): Mutation => (r) => {
  const value = r.headers[name] ?? ''
  if (!value.includes(from)) throw new Error(`${name} does not contain ${from}`)
  return setHeader(name, value.replace(from, to))(r)
}

/** Puts `member` before the existing members of a Dictionary field (RFC 8941 §3.2). */
export const prependMember = (name: string, member: string): Mutation => (r) =>
  setHeader(name, `${member}, ${r.headers[name] ?? ''}`)(r)

export const withBody = (body: string): Mutation => (r) => ({ ...r, body })
export const withMethod = (method: string): Mutation => (r) => ({ ...r, method })
export const withUrl = (url: string): Mutation => (r) => ({
  ...r,
  url,
  headers: { ...r.headers, Host: new URL(url).host },
})

/** Rewrites the bytes of the `pw` signature (flip a bit, cut it short). */
export const editSignature = (edit: (signature: Uint8Array) => Uint8Array): Mutation => (r) => {
  const members = parseByteSequenceDictionary(r.headers['Signature'] ?? '')
  const pw = LABELS.signatureLabel
  members.set(pw, edit(members.get(pw)!))
  return setHeader('Signature', serializeByteSequenceDictionary(members))(r)
}

export const flipLastBit = (bytes: Uint8Array): Uint8Array => {
  const out = bytes.slice()
  out[out.length - 1]! ^= 1
  return out
}

export const then = (...steps: Mutation[]): Mutation => (r) => steps.reduce((acc, f) => f(acc), r)
