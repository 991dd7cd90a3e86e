/** The signed-request cases (spec §8), in run order. */
import type { CaseDefinition } from '../../model.ts'
import { anyParameterOrder } from './8.2-any-parameter-order.ts'
import { bothAlgorithms } from './8.3-both-algorithms.ts'
import { hmacKey } from './8.3-hmac-key.ts'
import { deviceTargetUri } from './8.4-device-target-uri.ts'
import { claimAfterVerify } from './8.7-claim-after-verify.ts'
import { clockSkew } from './8.7-clock-skew.ts'
import { digestMismatch } from './8.7-digest-mismatch.ts'
import { malformedSignature } from './8.7-malformed-signature.ts'
import { missingComponent } from './8.7-missing-component.ts'
import { parameters } from './8.7-parameters.ts'
import { replayedNonce } from './8.7-replayed-nonce.ts'
import { requestSequences } from './8.7-request-sequences.ts'
import { signatureInvalid } from './8.7-signature-invalid.ts'
import { signatureLength } from './8.7-signature-length.ts'
import { signatureMissing } from './8.7-signature-missing.ts'
import { unknownKey } from './8.7-unknown-key.ts'
import { unsupportedAlgorithm } from './8.7-unsupported-algorithm.ts'
import { replayWindow } from './8.8-replay-window.ts'
import { rpcNotification } from './8.9-rpc-notification.ts'
import { rpcResponse } from './8.9-rpc-response.ts'

export const cases: CaseDefinition[] = [
  bothAlgorithms,
  hmacKey,
  anyParameterOrder,
  deviceTargetUri,
  signatureMissing,
  malformedSignature,
  missingComponent,
  parameters,
  unsupportedAlgorithm,
  digestMismatch,
  unknownKey,
  signatureInvalid,
  signatureLength,
  clockSkew,
  replayedNonce,
  claimAfterVerify,
  requestSequences,
  replayWindow,
  rpcResponse,
  rpcNotification,
]
