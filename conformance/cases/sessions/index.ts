/** The session cases (spec §7.3 - §7.10), in run order. */
import type { CaseDefinition } from '../../model.ts'
import { noiseProfile } from './7.3-noise-profile.ts'
import { rejectZeroDh } from './7.3-reject-zero-dh.ts'
import { devicePayload } from './7.4-device-payload.ts'
import { handshakeFailed } from './7.4-handshake-failed.ts'
import { handshakeTimeout } from './7.4-handshake-timeout.ts'
import { nothingBeforeMessage2 } from './7.4-nothing-before-message-2.ts'
import { unsupportedVersion } from './7.4-unsupported-version.ts'
import { authFailureCases } from './7.5-auth-failure.ts'
import { binaryOnly } from './7.5-binary-only.ts'
import { frameSequences } from './7.5-frame-sequences.ts'
import { noCleartext } from './7.5-no-cleartext.ts'
import { noDeliveryAfterFailure } from './7.5-no-delivery-after-failure.ts'
import { oversize } from './7.5-oversize.ts'
import { respectPeerMax } from './7.5-respect-peer-max.ts'
import { shortFrame } from './7.5-short-frame.ts'
import { deviceInfo } from './7.6-device-info.ts'
import { echo } from './7.6-echo.ts'
import { echoParams } from './7.6-echo-params.ts'
import { invalidRequest } from './7.6-invalid-request.ts'
import { methodNotFound } from './7.6-method-not-found.ts'
import { noBatch } from './7.6-no-batch.ts'
import { notificationNoResponse } from './7.6-notification-no-response.ts'
import { oversizeResponse } from './7.6-oversize-response.ts'
import { parseError } from './7.6-parse-error.ts'
import { idleTimeout } from './7.7-idle-timeout.ts'
import { ping } from './7.7-ping.ts'
import { closeReasonCase } from './7.9-close-reason.ts'
import { reservedCodes } from './7.9-reserved-codes.ts'
import { checkOrder } from './7.5-check-order.ts'
import { closeAnswerCase } from './7.9-close-answer.ts'
import { answerOnlyOffers } from './7.10-answer-only-offers.ts'
import { atMost64 } from './7.10-at-most-64.ts'
import { deviceElements } from './7.10-device-elements.ts'
import { onlyWhenAccepted } from './7.10-only-when-accepted.ts'
import { tooManyElements } from './7.10-too-many-elements.ts'

export const cases: CaseDefinition[] = [
  noiseProfile,
  rejectZeroDh,
  devicePayload,
  nothingBeforeMessage2,
  handshakeFailed,
  unsupportedVersion,
  handshakeTimeout,
  binaryOnly,
  shortFrame,
  oversize,
  respectPeerMax,
  ...authFailureCases,
  noDeliveryAfterFailure,
  noCleartext,
  frameSequences,
  parseError,
  noBatch,
  invalidRequest,
  methodNotFound,
  notificationNoResponse,
  echo,
  echoParams,
  oversizeResponse,
  deviceInfo,
  ping,
  idleTimeout,
  closeReasonCase,
  reservedCodes,
  checkOrder,
  closeAnswerCase,
  answerOnlyOffers,
  onlyWhenAccepted,
  deviceElements,
  tooManyElements,
  atMost64,
]
