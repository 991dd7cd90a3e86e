/**
 * The cases of vectors/signing.json (spec §8.2 - §8.8), written from the verification steps of
 * spec §8.7: requests that pass, and requests that fail exactly one step, or several steps at
 * once so that only the order of the steps decides the answer.
 */
import { nobleBackend } from '../protocol/crypto/index.ts'
import { utf8Encode } from '../protocol/encoding.ts'
import { contentDigest, Token } from '../protocol/httpsig/index.ts'
import { PATHS, PROBLEMS } from '../protocol/registry.ts'
import { REQ } from './requirements.ts'
import {
  editSignature, flipLastBit, prependMember, removeHeader, replaceInHeader, setHeader, then,
  withBody, withMethod, withUrl,
} from './signing-mutations.ts'
import {
  NOW, ORIGIN, RPC_BODY, TICKET_BODY, type CaseSpec, type SigningKey,
} from './signing-request.ts'

export interface SigningContext {
  /** The group's signer, registered. */
  signer: SigningKey
  /** Another registered client's key of the same algorithm. */
  other: SigningKey
  /** A client that is not registered. */
  stranger: SigningKey
  /** The signer's key of the other algorithm. */
  crossAlg: SigningKey
  skew: number
}

const SI = 'Signature-Input'
const P = PROBLEMS
const ORDER = [REQ.claimAfterVerify]
const flipSignature = editSignature(flipLastBit)
// RFC 8941 §3.3.5 byte sequences of 64 zero bytes: another label's signature, a sha-512 digest.
const ZEROS_64 = ':' + Buffer.alloc(64).toString('base64') + ':'
const TICKET_DIGEST = contentDigest(utf8Encode(TICKET_BODY), nobleBackend)
const EMPTY_DIGEST = contentDigest(new Uint8Array(0), nobleBackend)

export function validCases(c: SigningContext): CaseSpec[] {
  return [
    { comment: 'JSON-RPC request', flags: ['ValidSignature'], path: PATHS.rpc, body: RPC_BODY,
      requirements: [REQ.coveredComponents, REQ.parameters, REQ.contentDigest], expect: 'valid' },
    { comment: 'request with a query', flags: ['ValidSignature'], path: `${PATHS.rpc}?trace=1`,
      body: RPC_BODY, expect: 'valid' },
    { comment: 'created = now - skew', flags: ['TimeBoundary'], params: { created: NOW - c.skew },
      requirements: [REQ.clockSkew], expect: 'valid' },
    { comment: 'created = now + skew', flags: ['TimeBoundary'], params: { created: NOW + c.skew },
      requirements: [REQ.clockSkew], expect: 'valid' },
    { comment: 'expires = now', flags: ['TimeBoundary'], params: { expires: NOW },
      requirements: [REQ.clockSkew], expect: 'valid' },
    { comment: 'parameters in the order alg, keyid, nonce, created', flags: ['ParameterOrder'],
      order: ['alg', 'keyid', 'nonce', 'created'], requirements: [REQ.anyParameterOrder],
      expect: 'valid' },
    { comment: 'another label in both fields is ignored', flags: ['OtherLabel'],
      mutate: then(prependMember(SI, 'sig1=("@method");created=1;keyid="x";alg="ed25519"'),
        prependMember('Signature', `sig1=${ZEROS_64}`)), expect: 'valid' },
    { comment: 'Content-Digest with another member before sha-256', flags: ['DigestOtherMember'],
      headers: { 'Content-Digest': `sha-512=${ZEROS_64}, ${TICKET_DIGEST}` },
      requirements: [REQ.digestMismatch], expect: 'valid' },
    { comment: 'the replay store holds this nonce for another keyid', flags: ['ReplayStoreOther'],
      params: { nonce: 'AAAAAAAAAAAAAAAAAAAAAA' },
      replay: [{ keyid: c.other.keyid, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      requirements: [REQ.replayedNonce], expect: 'valid' },
  ]
}

export function timeAndReplayCases(c: SigningContext): CaseSpec[] {
  return [
    { comment: 'created = now - skew - 1', flags: ['SkewPast'],
      params: { created: NOW - c.skew - 1 }, expect: P.clockSkew },
    { comment: 'created = now + skew + 1', flags: ['SkewFuture'],
      params: { created: NOW + c.skew + 1 }, expect: P.clockSkew },
    { comment: 'expires = now - 1', flags: ['Expired'], params: { expires: NOW - 1 },
      expect: P.clockSkew },
    { comment: 'nonce already claimed by this keyid', flags: ['ReplayedNonce'], replay: 'self',
      expect: P.replayedNonce },
  ]
}

export function digestAndComponentCases(): CaseSpec[] {
  const cd = 'content-digest'
  return [
    { comment: 'body changed after signing', flags: ['DigestMismatch'],
      mutate: withBody('{"v":2}'), expect: P.digestMismatch },
    { comment: 'Content-Digest absent', flags: ['MissingDigest'],
      mutate: removeHeader('Content-Digest'), expect: P.digestMismatch },
    { comment: 'Content-Digest not a byte sequence', flags: ['DigestMismatch'],
      mutate: setHeader('Content-Digest', 'sha-256=abc'), expect: P.digestMismatch },
    { comment: 'Content-Digest with sha-512 only', flags: ['DigestMismatch'],
      headers: { 'Content-Digest': `sha-512=${ZEROS_64}` },
      expect: P.digestMismatch },
    { comment: 'content-digest not covered', flags: ['MissingComponent'],
      components: ['@method', '@target-uri'], expect: P.missingComponent },
    { comment: '@target-uri not covered', flags: ['MissingComponent'],
      components: ['@method', cd], expect: P.missingComponent },
    { comment: 'content-type covered too', flags: ['ExtraComponent'],
      components: ['@method', '@target-uri', cd, 'content-type'], expect: P.missingComponent },
    { comment: 'content-digest covered without a body', flags: ['ExtraComponent'],
      method: 'DELETE', path: PATHS.clientsSelf,
      headers: { 'Content-Digest': EMPTY_DIGEST },
      components: ['@method', '@target-uri', cd], expect: P.missingComponent },
    { comment: 'components reordered', flags: ['ReorderedComponents'],
      components: ['@target-uri', '@method', cd], expect: P.missingComponent },
    { comment: 'a component parameter', flags: ['ComponentParameter'],
      mutate: replaceInHeader(SI, '"@method"', '"@method";req'), expect: P.missingComponent },
    ...(['created', 'nonce', 'keyid', 'alg'] as const).map((name): CaseSpec => ({
      comment: `${name} absent`, flags: ['MissingParameter'], params: { [name]: null },
      requirements: [REQ.parameterChecks], expect: P.missingComponent,
    })),
  ]
}

export function malformedCases(c: SigningContext): CaseSpec[] {
  const params = [REQ.parameterChecks]
  const malformed = (comment: string, flag: string, spec: Partial<CaseSpec>): CaseSpec =>
    ({ comment, flags: [flag], ...spec, expect: P.malformedSignature })
  return [
    malformed('Signature-Input is "pw=("', 'MalformedField', { mutate: setHeader(SI, 'pw=(') }),
    malformed('no ";" before the parameters', 'MalformedField',
      { mutate: replaceInHeader(SI, ');created', ')created') }),
    malformed('Signature is a string', 'MalformedField',
      { mutate: setHeader('Signature', 'pw="abc"') }),
    malformed('Signature is not base64', 'MalformedField',
      { mutate: setHeader('Signature', 'pw=:!!!!:') }),
    malformed('created is a string', 'MalformedParameter',
      { params: { created: String(NOW) }, requirements: params }),
    malformed('created is negative', 'MalformedParameter',
      { params: { created: -1 }, requirements: params }),
    malformed('created is a decimal', 'MalformedField',
      { mutate: replaceInHeader(SI, `created=${NOW}`, `created=${NOW}.5`) }),
    malformed('expires is a string', 'MalformedParameter',
      { params: { expires: String(NOW + 60) }, requirements: params }),
    malformed('keyid is a token', 'MalformedParameter',
      { params: { keyid: new Token(c.signer.keyid) }, requirements: params }),
    malformed('an unknown parameter tag', 'UnknownParameter',
      { mutate: (r) => setHeader(SI, `${r.headers[SI]};tag="app"`)(r), requirements: params }),
    malformed('nonce of 15 bytes', 'MalformedNonce',
      { params: { nonce: 'kD4xwK2ZJ5Hn0p8mVq3s' }, requirements: params }),
    malformed('nonce with padding', 'MalformedNonce',
      { params: { nonce: 'kD4xwK2ZJ5Hn0p8mVq3sLA==' }, requirements: params }),
    malformed('nonce with non-zero unused bits', 'MalformedNonce',
      { params: { nonce: 'kD4xwK2ZJ5Hn0p8mVq3sLB' }, requirements: params }),
  ]
}

export function missingAndKeyCases(c: SigningContext): CaseSpec[] {
  const missing = P.signatureMissing
  return [
    { comment: 'no Signature-Input', flags: ['SignatureMissing'], mutate: removeHeader(SI),
      expect: missing },
    { comment: 'no Signature', flags: ['SignatureMissing'], mutate: removeHeader('Signature'),
      expect: missing },
    { comment: 'neither field', flags: ['SignatureMissing'],
      mutate: then(removeHeader(SI), removeHeader('Signature')), expect: missing },
    { comment: 'only the label sig1 in both fields', flags: ['NoPwLabel'],
      mutate: then(replaceInHeader(SI, 'pw=', 'sig1='),
        replaceInHeader('Signature', 'pw=', 'sig1=')),
      requirements: [REQ.malformedSignature], expect: missing },
    { comment: 'pw in Signature-Input only', flags: ['NoPwLabel'],
      mutate: replaceInHeader('Signature', 'pw=', 'sig1='), requirements: [REQ.malformedSignature],
      expect: missing },
    // Spec §8.7 step 2 (pw-sig-8.7-other-labels): the whole field must parse; a member of the
    // wrong shape under another label is malformed, judged before "no pw member".
    { comment: 'another label in Signature-Input is a Byte Sequence', flags: ['OtherLabelMalformed'],
      mutate: prependMember(SI, 'sig1=:AAAA:'), requirements: [REQ.otherLabels],
      expect: P.malformedSignature },
    { comment: 'another label in Signature is an Inner List', flags: ['OtherLabelMalformed'],
      mutate: prependMember('Signature', 'sig1=("@method")'), requirements: [REQ.otherLabels],
      expect: P.malformedSignature },
    { comment: 'no pw member, and another label of the wrong shape', flags: ['OtherLabelMalformed'],
      mutate: then(replaceInHeader(SI, 'pw=', 'sig1='), replaceInHeader('Signature', 'pw=', 'sig1='),
        prependMember(SI, 'sig2=:AAAA:')),
      requirements: [REQ.otherLabels], expect: P.malformedSignature },
    ...['rsa-pss-sha512', 'ED25519', 'ecdsa-p256-sha256'].map((alg): CaseSpec => ({
      comment: `alg "${alg}"`, flags: ['UnsupportedAlgorithm'], params: { alg },
      expect: P.unsupportedAlgorithm,
    })),
    { comment: 'keyid of a client that is not registered', flags: ['UnknownKey'],
      signer: c.stranger, expect: P.unknownKey },
  ]
}

/**
 * Spec §8.7 pw-sig-8.7-signature-length: the right signature cut to each of `lengths` bytes
 * (all shorter than the algorithm's), and with a zero byte appended; each is signature-invalid.
 */
export function signatureLengthCases(lengths: readonly number[]): CaseSpec[] {
  const requirements = [REQ.signatureLength]
  return [
    ...lengths.map((length): CaseSpec => ({
      comment: `signature cut to its first ${length} bytes`, flags: ['WrongSignatureLength'],
      mutate: editSignature((s) => s.slice(0, length)), requirements, expect: P.signatureInvalid,
    })),
    { comment: 'signature with a zero byte appended', flags: ['WrongSignatureLength'],
      mutate: editSignature((s) => Uint8Array.from([...s, 0])), requirements,
      expect: P.signatureInvalid },
  ]
}

export function signatureCases(c: SigningContext): CaseSpec[] {
  const invalid = P.signatureInvalid
  return [
    { comment: 'last signature bit flipped', flags: ['TamperedSignature'], mutate: flipSignature,
      expect: invalid },
    { comment: 'signature without its last byte', flags: ['TamperedSignature'],
      mutate: editSignature((s) => s.slice(0, -1)), expect: invalid },
    ...signatureLengthCases([1, 16, 32]),
    { comment: 'method changed to PUT', flags: ['TamperedRequest'], mutate: withMethod('PUT'),
      expect: invalid },
    { comment: 'sent to /pairwire/v1/rpc instead', flags: ['TamperedRequest'],
      mutate: withUrl(ORIGIN + PATHS.rpc), expect: invalid },
    { comment: 'sent to another port', flags: ['TamperedRequest'],
      mutate: withUrl('https://192.168.1.20:8444' + PATHS.tickets), expect: invalid },
    { comment: "signed with another registered client's key", flags: ['WrongKey'],
      signer: { ...c.other, keyid: c.signer.keyid }, expect: invalid },
    { comment: "keyid of another registered client", flags: ['WrongKey'],
      params: { keyid: c.other.keyid }, expect: invalid },
    { comment: `signed with ${c.signer.alg}, labelled ${c.crossAlg.alg}`, flags: ['WrongAlgorithm'],
      params: { alg: c.crossAlg.alg }, expect: invalid },
  ]
}

/** Requests that fail two steps of spec §8.7: the earlier step decides. */
export function orderCases(c: SigningContext): CaseSpec[] {
  const flags = ['CheckOrder']
  const bodyChanged = withBody('{"v":2}')
  return [
    { comment: 'bad signature and a replayed nonce', flags, mutate: flipSignature, replay: 'self',
      requirements: ORDER, expect: P.signatureInvalid },
    { comment: 'bad signature and created too old', flags, mutate: flipSignature,
      params: { created: NOW - c.skew - 1 }, requirements: ORDER, expect: P.signatureInvalid },
    { comment: 'created too old and a replayed nonce', flags, params: { created: NOW - c.skew - 1 },
      replay: 'self', requirements: ORDER, expect: P.clockSkew },
    { comment: 'unknown keyid and bad signature', flags, signer: c.stranger, mutate: flipSignature,
      expect: P.unknownKey },
    { comment: 'body changed and unknown keyid', flags, signer: c.stranger, mutate: bodyChanged,
      expect: P.digestMismatch },
    { comment: 'malformed nonce and unsupported alg', flags,
      params: { nonce: 'short', alg: 'rsa-pss-sha512' }, expect: P.malformedSignature },
    { comment: 'content-digest not covered and body changed', flags,
      components: ['@method', '@target-uri'], mutate: bodyChanged, expect: P.missingComponent },
    { comment: 'unsupported alg and body changed', flags, params: { alg: 'hmac-sha512' },
      mutate: bodyChanged, expect: P.unsupportedAlgorithm },
    { comment: 'no Signature and body changed', flags,
      mutate: then(removeHeader('Signature'), bodyChanged), expect: P.signatureMissing },
  ]
}
