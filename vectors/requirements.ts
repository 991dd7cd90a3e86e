/**
 * The spec requirement anchors the generated vectors cite (spec/README.md "Requirements"), in one
 * place so that a renamed anchor is fixed once; `npm run spec:coverage` and vectors/files.test.ts
 * check that every one exists in spec/. Also the problem fields of an expected HTTP answer.
 */
import { problemType, type ProblemEntry } from '../protocol/registry.ts'

export const REQ = {
  idDerivation: 'pw-keys-3.2-id-derivation',
  noTrivialPin: 'pw-pair-5.2-no-trivial-pin',
  spake2Profile: 'pw-pair-5.5-spake2-profile',
  pairingKey: 'pw-pair-5.6-pairing-key',
  invalidShare: 'pw-pair-5.7-invalid-share',
  shareLength: 'pw-pair-5.7-share-length',
  identityKNoOracle: 'pw-pair-5.7-identity-k-no-oracle',
  attemptsRemaining: 'pw-pair-5.8-attempts-remaining',
  cbAfterCa: 'pw-pair-5.8-cb-after-ca',
  clientChecksPb: 'pw-pair-5.9-client-checks-pb',
  noiseProfile: 'pw-sess-7.3-noise-profile',
  rejectZeroDh: 'pw-sess-7.3-reject-zero-dh',
  messageOneFirst: 'pw-sess-7.4-message-1-first',
  handshakeFailed: 'pw-sess-7.4-handshake-failed',
  unsupportedVersion: 'pw-sess-7.4-unsupported-version',
  clientVerifiesMessage2: 'pw-sess-7.4-client-verifies-message-2',
  nothingBeforeMessage2: 'pw-sess-7.4-nothing-before-message-2',
  binaryOnly: 'pw-sess-7.5-binary-only',
  shortFrame: 'pw-sess-7.5-short-frame',
  oversize: 'pw-sess-7.5-oversize',
  checkOrder: 'pw-sess-7.5-check-order',
  authFailure: 'pw-sess-7.5-auth-failure',
  noDeliveryAfterFailure: 'pw-sess-7.5-no-delivery-after-failure',
  parseError: 'pw-sess-7.6-parse-error',
  noBatch: 'pw-sess-7.6-no-batch',
  closeReason: 'pw-sess-7.9-close-reason',
  clientCodes: 'pw-sess-7.9-client-codes',
  onlyWhenAccepted: 'pw-sess-7.10-only-when-accepted',
  answerOnlyOffers: 'pw-sess-7.10-answer-only-offers',
  deviceElements: 'pw-sess-7.10-device-elements',
  tooManyElements: 'pw-sess-7.10-too-many-elements',
  clientElements: 'pw-sess-7.10-client-elements',
  coveredComponents: 'pw-sig-8.2-covered-components',
  parameters: 'pw-sig-8.2-parameters',
  anyParameterOrder: 'pw-sig-8.2-any-parameter-order',
  bothAlgorithms: 'pw-sig-8.3-both-algorithms',
  hmacKey: 'pw-sig-8.3-hmac-key',
  contentDigest: 'pw-sig-8.5-content-digest',
  signatureMissing: 'pw-sig-8.7-signature-missing',
  malformedSignature: 'pw-sig-8.7-malformed-signature',
  otherLabels: 'pw-sig-8.7-other-labels',
  missingComponent: 'pw-sig-8.7-missing-component',
  parameterChecks: 'pw-sig-8.7-parameters',
  unsupportedAlgorithm: 'pw-sig-8.7-unsupported-algorithm',
  digestMismatch: 'pw-sig-8.7-digest-mismatch',
  unknownKey: 'pw-sig-8.7-unknown-key',
  signatureInvalid: 'pw-sig-8.7-signature-invalid',
  clockSkew: 'pw-sig-8.7-clock-skew',
  replayedNonce: 'pw-sig-8.7-replayed-nonce',
  signedUpgrade: 'pw-sess-7.2-signed-upgrade',
  claimAfterVerify: 'pw-sig-8.7-claim-after-verify',
  signatureLength: 'pw-sig-8.7-signature-length',
  uriFormat: 'pw-pair-5.11-uri-format',
  uriSyntax: 'pw-pair-5.11-uri-syntax',
  uriUrl: 'pw-pair-5.11-uri-url',
} as const

/** The expected answer of a refused request: the problem type URI and its HTTP status. */
export function problemFields(entry: ProblemEntry): { problem: string; status: number } {
  return { problem: problemType(entry), status: entry.status }
}
