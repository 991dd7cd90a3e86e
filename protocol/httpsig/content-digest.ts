/**
 * The Content-Digest field of RFC 9530 §2 with the `sha-256` algorithm (§5, IANA "Hash Algorithms
 * for HTTP Digest Fields"): a Dictionary whose members are Byte Sequences, e.g.
 * `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
 *
 * Every failure of verification is 'digest-mismatch' (registry: "absent for a body, malformed, or
 * does not match"): a field that is not a valid Dictionary of Byte Sequences, one without a
 * `sha-256` member, or one whose `sha-256` differs from SHA-256 of the body. Members for other
 * algorithms are ignored (§3: the recipient chooses which digest to check).
 */
import { defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { constantTimeEqual } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import {
  parseByteSequenceDictionary,
  serializeByteSequenceDictionary,
} from './structured-fields.ts'

/** The RFC 9530 §5 algorithm key Pairwire sends and checks. */
export const DIGEST_ALGORITHM = 'sha-256'

/** The Content-Digest field value for `body`: `sha-256=:<base64 of SHA-256(body)>:`. */
export function contentDigest(body: Uint8Array, backend: CryptoBackend = defaultBackend): string {
  return serializeByteSequenceDictionary(new Map([[DIGEST_ALGORITHM, backend.sha256(body)]]))
}

function parseDigests(fieldValue: string): Map<string, Uint8Array> {
  try {
    return parseByteSequenceDictionary(fieldValue)
  } catch {
    // The parser throws only ProtocolError('malformed-signature'); here it means a bad digest.
    throw new ProtocolError('digest-mismatch', 'not a dictionary of byte sequences')
  }
}

/** Throws 'digest-mismatch' unless `fieldValue` carries the sha-256 digest of `body`. */
export function verifyContentDigest(
  fieldValue: string | undefined,
  body: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): void {
  if (fieldValue === undefined) throw new ProtocolError('digest-mismatch', 'absent')
  const digest = parseDigests(fieldValue).get(DIGEST_ALGORITHM)
  if (digest === undefined) throw new ProtocolError('digest-mismatch', 'no sha-256 member')
  if (!constantTimeEqual(digest, backend.sha256(body))) {
    throw new ProtocolError('digest-mismatch', 'does not match the body')
  }
}
