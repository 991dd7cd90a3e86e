/**
 * HTTP Message Signatures (RFC 9421) for the subset Pairwire uses, the RFC 8941 structured fields
 * they need, Content-Digest (RFC 9530), and the Pairwire profile of them (spec §8).
 */
export type { FieldValue, HttpRequest } from './request.ts'
export { fieldValue, hasBody } from './request.ts'
export type { BareItem, InnerList, Parameters, StringItem } from './structured-fields.ts'
export {
  Token,
  parseByteSequenceDictionary,
  parseInnerListDictionary,
  serializeByteSequenceDictionary,
  serializeInnerList,
  serializeInnerListDictionary,
  serializeStringItem,
} from './structured-fields.ts'
export { DERIVED_COMPONENTS, componentValue, type DerivedComponent } from './components.ts'
export { signatureBase } from './signature-base.ts'
export {
  SIGNATURE_ALGORITHMS,
  isSignatureAlgorithm,
  signSignatureBase,
  verifySignatureBase,
  type SignatureAlgorithm,
} from './algorithms.ts'
export { DIGEST_ALGORITHM, contentDigest, verifyContentDigest } from './content-digest.ts'
export {
  NONCE_BYTES,
  checkSignatureTime,
  nonceTtlSeconds,
  requestHmacKey,
  coveredComponents,
  newNonce,
  parseSignedRequest,
  signRequest,
  signRequestAsync,
  verifyParsedSignature,
  type PairwireSignatureParams,
  type ParsedSignedRequest,
  type SignRequestOptions,
  type SignatureFields,
} from './profile.ts'
