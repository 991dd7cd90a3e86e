/**
 * The errors of the reference client, in one place. Every failure the library or the CLI reports
 * is a ClientError of one of five kinds, or an RpcError for a JSON-RPC error response:
 *
 * - 'problem': the device refused an HTTP request with an RFC 9457 problem (spec §2.6, §11.1);
 *   the error carries the type, the status and every extension member (attempts_remaining,
 *   spec §5.8);
 * - 'close': the device closed the session WebSocket; the error carries its code and reason
 *   (spec §7.9, §11.2), e.g. client-revoked after an unpairing;
 * - 'device-verification': the device failed a check the client makes (cB, the device key, Noise
 *   message 2, a transport frame, a message's schema); `what` names the check;
 * - 'transport': the network failed (refused connection, reset, timeout);
 * - 'usage': the caller passed something unusable (bad URL, PIN, credentials, arguments).
 *
 * Messages are fixed per kind and check: never a key, PIN, ticket, signature or pairing key.
 */

export type ClientErrorKind = 'problem' | 'close' | 'device-verification' | 'transport' | 'usage'

/** The checks a device can fail, named as the message or value that failed (spec §5, §7). */
export type VerificationStep =
  | 'discovery'
  | 'device-id'
  | 'pair-start-response'
  | 'device-key'
  | 'pB'
  | 'pair-finish-response'
  | 'cB'
  | 'client-id'
  | 'ticket-response'
  | 'noise-message-2'
  | 'frame'
  | 'frame-auth'
  | 'rpc-response'
  | 'zaparoo-pair-start'
  | 'zaparoo-confirm'
  | 'zaparoo-pair-finish'
  | 'pinned-device-id'
  | 'websocket-framing'

const VERIFICATION_MESSAGES: Record<VerificationStep, string> = {
  discovery: 'the discovery document is invalid',
  'device-id': 'the device_id is not the fingerprint of the device key',
  'pair-start-response': 'the pair/start answer is invalid',
  'device-key': 'the device key in pair/start differs from the discovered one',
  pB: 'the device share pB is not a valid P-256 point',
  'pair-finish-response': 'the pair/finish answer is invalid',
  cB: 'the device confirmation cB did not verify',
  'client-id': 'the client_id is not the fingerprint of the client key',
  'ticket-response': 'the ticket answer is invalid',
  'noise-message-2': 'Noise message 2 failed or its payload is invalid',
  frame: 'the device sent a frame that cannot be a transport message',
  'frame-auth': 'a transport frame from the device failed authentication',
  'rpc-response': 'the JSON-RPC answer is invalid',
  'zaparoo-pair-start': 'the zaparoo-v1 pair/start answer or its msgB is invalid',
  'zaparoo-confirm': 'the zaparoo-v1 server confirmation did not verify',
  'zaparoo-pair-finish': 'the zaparoo-v1 pair/finish answer is invalid',
  'pinned-device-id': "the device's key does not match the device_id of the pairing URI",
  'websocket-framing': 'the device broke the WebSocket framing (RFC 6455 §5, §8.1)',
}

/** RFC 9457 problem details as the device sent them; unknown members are kept. */
export interface ProblemDetails {
  readonly type: string
  readonly status: number
  readonly title?: string
  readonly detail?: string
  readonly [extension: string]: unknown
}

export interface CloseInfo {
  readonly code: number
  readonly reason: string
}

// A device's error string is a short sentence; anything longer is cut when reported.
const MAX_REFUSAL_TEXT = 200

export class ClientError extends Error {
  readonly kind: ClientErrorKind
  /** Set for kind 'problem'. */
  readonly problem: ProblemDetails | null
  /** Set for kind 'close'. */
  readonly close: CloseInfo | null
  /** Set for kind 'device-verification'. */
  readonly what: VerificationStep | null
  /**
   * Set for kind 'problem' when the answer carried Retry-After (spec §10: 429 and 503): the whole
   * seconds to wait, from delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
   */
  readonly retryAfterSeconds: number | null

  private constructor(
    kind: ClientErrorKind,
    message: string,
    fields: {
      problem?: ProblemDetails
      close?: CloseInfo
      what?: VerificationStep
      retryAfterSeconds?: number | null
      cause?: unknown
    },
  ) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause })
    this.name = 'ClientError'
    this.kind = kind
    this.problem = fields.problem ?? null
    this.close = fields.close ?? null
    this.what = fields.what ?? null
    this.retryAfterSeconds = fields.retryAfterSeconds ?? null
  }

  /** `retryAfter` is the answer's Retry-After header as sent, if any. */
  static problem(problem: ProblemDetails, retryAfter?: string | null): ClientError {
    const message = `the device refused the request: ${problem.type}`
    const retryAfterSeconds = parseRetryAfter(retryAfter)
    return new ClientError('problem', message, { problem, retryAfterSeconds })
  }

  /**
   * A refusal that is not an RFC 9457 problem (zaparoo-v1 answers `{"error": "..."}` or plain
   * text): typed about:blank, as RFC 9457 §4.2.1 does for an answer with no more semantics than
   * its status, with the device's own words kept printable and short in the message and detail.
   */
  static refusal(status: number, said: string): ClientError {
    const detail = said.replace(/[^\x20-\x7e]/g, ' ').trim().slice(0, MAX_REFUSAL_TEXT)
    const message = `the device refused the request: ${status} ${detail}`.trimEnd()
    return new ClientError('problem', message, { problem: { type: 'about:blank', status, detail } })
  }

  static closed(close: CloseInfo): ClientError {
    const message = `the session closed: ${close.code} ${close.reason}`.trimEnd()
    return new ClientError('close', message, { close })
  }

  /** `cause` is a ProtocolError or schema explanation, kept for debugging; never a secret. */
  static verification(what: VerificationStep, cause?: unknown): ClientError {
    return new ClientError('device-verification', VERIFICATION_MESSAGES[what], { what, cause })
  }

  static transport(message: string, cause?: unknown): ClientError {
    return new ClientError('transport', message, { cause })
  }

  static usage(message: string): ClientError {
    return new ClientError('usage', message, {})
  }
}

/**
 * Retry-After (RFC 9110 §10.2.3) as whole seconds from now: delay-seconds, or an HTTP-date
 * counted from `nowMs`; null when absent or neither form.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | null {
  if (value === undefined || value === null) return null
  const text = value.trim()
  if (/^[0-9]+$/.test(text)) return Number(text)
  // Every HTTP-date form names its day or month; Date.parse alone takes '-5' for a year.
  const at = /[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - nowMs) / 1000))
}

// RFC 6455 §7.1.5, §7.4.1: 1006 is never sent in a close frame; it reports a connection that
// ended without one, which is the network failing, not the device refusing.
const ABNORMAL_CLOSURE = 1006

/** The error for a session socket that closed: the device's close, or a lost connection. */
export function socketClosedError(close: CloseInfo): ClientError {
  if (close.code === ABNORMAL_CLOSURE) return ClientError.transport('the connection was lost')
  return ClientError.closed(close)
}

export function isClientError(e: unknown, kind?: ClientErrorKind): e is ClientError {
  return e instanceof ClientError && (kind === undefined || e.kind === kind)
}

/** A JSON-RPC 2.0 error response (JSON-RPC 2.0 §5.1) to one of the client's calls. */
export class RpcError extends Error {
  readonly code: number
  readonly data: unknown

  constructor(code: number, message: string, data?: unknown) {
    super(message)
    this.name = 'RpcError'
    this.code = code
    this.data = data
  }
}
