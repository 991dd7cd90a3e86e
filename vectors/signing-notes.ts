/**
 * The prose of vectors/signing.json: its header and the bug each flag catches (Wycheproof
 * `notes`).
 */
import type { Note } from './vector-file.ts'

export const SIGNING_HEADER = [
  'Pairwire 1 signed HTTP requests (spec §8): RFC 9421 with the label "pw", covered components',
  '("@method" "@target-uri" ["content-digest"]), parameters created, [expires,] nonce, keyid, alg;',
  'Content-Digest sha-256 (RFC 9530) for a request with a body.',
  'Each test is a request as the device receives it: method, url (the @target-uri the device',
  'reconstructs), headers exactly as on the wire (base64 inside structured fields, as RFC 8941),',
  'body as UTF-8 text (absent: no body). Keys are lowercase hex: client_seed is the signer\'s',
  'Ed25519 private key, hmac_key = HKDF-SHA256(salt empty, IKM pairing_key,',
  'info "pairwire/1 request hmac key", 32) for hmac-sha256.',
  'The device knows: now, skew, the registered clients (keyid = client_id -> client_key for',
  'ed25519, hmac_key for hmac-sha256) and replay_store (pairs already claimed).',
  'Verdict in the order of spec §8.7: parse (signature-missing, malformed-signature,',
  'missing-component, unsupported-algorithm, digest-mismatch), then unknown-key, then',
  'signature-invalid, then clock-skew (|now - created| > skew or expires < now), then',
  'replayed-nonce; a valid request claims (keyid, nonce). signature_base is the RFC 9421 §2.5',
  'signature base, present when the request gets past parsing.',
]

const note = (bugType: Note['bugType'], description: string): Note => ({ bugType, description })

export const SIGNING_NOTES: Record<string, Note> = {
  SpecExample: note('BASIC', 'The worked example of spec §8.6, byte for byte.'),
  ValidSignature: note('BASIC', 'A correctly signed request; catches signature base mistakes.'),
  TimeBoundary: note('EDGE_CASE', 'created exactly skew away, or expires = now: still accepted.'),
  ParameterOrder: note('FUNCTIONALITY', 'Parameters in another order; the base keeps their order.'),
  OtherLabel: note('FUNCTIONALITY', 'Members of other labels are ignored, wherever they are.'),
  DigestOtherMember: note(
    'FUNCTIONALITY',
    'Content-Digest members other than sha-256 are ignored.',
  ),
  ReplayStoreOther: note('EDGE_CASE', 'The nonce is claimed per keyid, not globally.'),
  SkewPast: note('MODIFIED_PARAMETER', 'created older than skew; catches a missing clock check.'),
  SkewFuture: note(
    'MODIFIED_PARAMETER',
    'created later than now + skew; catches one-sided checks.',
  ),
  Expired: note('MODIFIED_PARAMETER', 'expires in the past; catches ignoring expires.'),
  ReplayedNonce: note(
    'AUTH_BYPASS',
    'A nonce already claimed by this keyid: the request is a replay.',
  ),
  DigestMismatch: note('MODIFIED_PARAMETER', 'Content-Digest does not match or is not sha-256.'),
  MissingDigest: note('MISSING_STEP', 'A body without Content-Digest; catches skipping the check.'),
  MissingComponent: note('MISSING_STEP', 'A required component not covered: parts left unsigned.'),
  ExtraComponent: note(
    'MODIFIED_PARAMETER',
    'A component the profile does not cover for this request.',
  ),
  ReorderedComponents: note('MODIFIED_PARAMETER', 'The right components in another order.'),
  ComponentParameter: note('MODIFIED_PARAMETER', 'A component with a parameter (;req).'),
  MissingParameter: note('MISSING_STEP', 'A required signature parameter is absent.'),
  MalformedField: note('MODIFIED_PARAMETER', 'Not a valid RFC 8941 field of the required shape.'),
  MalformedParameter: note(
    'MODIFIED_PARAMETER',
    'A parameter of the wrong RFC 8941 type or range.',
  ),
  UnknownParameter: note('MODIFIED_PARAMETER', 'A parameter the profile does not define.'),
  MalformedNonce: note(
    'MODIFIED_PARAMETER',
    'A nonce that is not canonical base64url of 16 bytes.',
  ),
  SignatureMissing: note('MISSING_STEP', 'Signature-Input or Signature absent.'),
  NoPwLabel: note('MISSING_STEP', 'Signature fields without the "pw" label.'),
  OtherLabelMalformed: note(
    'WRONG_ORDER',
    'A member under another label of the wrong shape: malformed-signature, judged before a missing "pw" (spec §8.7 step 2).',
  ),
  UnsupportedAlgorithm: note(
    'MODIFIED_PARAMETER',
    'An alg outside ed25519 and hmac-sha256 (exact).',
  ),
  UnknownKey: note('AUTH_BYPASS', 'A keyid no registered client has.'),
  SignedUpgrade: note('BASIC', 'A signed upgrade (spec §7.2): the GET of the session path in its http form, no body, so no content-digest.'),
  TamperedSignature: note('AUTH_BYPASS', 'The signature altered or cut; catches a missing verify.'),
  WrongSignatureLength: note(
    'AUTH_BYPASS',
    'A prefix of the right signature, or it with a byte appended; catches a comparison over the bytes sent.',
  ),
  TamperedRequest: note('AUTH_BYPASS', 'Method or target URI changed after signing.'),
  WrongKey: note('AUTH_BYPASS', "Signed with another client's key; catches keyid confusion."),
  WrongAlgorithm: note(
    'AUTH_BYPASS',
    'alg names the other algorithm; catches algorithm confusion.',
  ),
  WrongKeyDerivation: note(
    'EDGE_CASE',
    'HMAC keyed with the pairing key instead of the derived key.',
  ),
  CheckOrder: note('WRONG_ORDER', 'Fails two steps of spec §8.7: only the earlier may answer.'),
}
