/**
 * Typed errors of the protocol core. Every failure the core can report is a ProtocolError whose
 * `code` names a registry entry (registry.ts); callers map that code to a problem type or close
 * code in exactly one place and never parse messages. Messages are fixed per code so that a
 * crypto failure never becomes an oracle through its wording.
 */

/** The failure kinds of the byte-level core. */
export type ProtocolErrorCode =
  | 'invalid-encoding'
  | 'invalid-length'
  | 'invalid-share'
  | 'invalid-pin'
  | 'invalid-key'
  | 'confirmation-failed'
  | 'handshake-failed'
  | 'frame-auth-failed'
  | 'frame-too-large'
  | 'frame-too-short'
  | 'nonce-exhausted'
  | 'invalid-state'
  | 'signature-missing'
  | 'malformed-signature'
  | 'missing-component'
  | 'unsupported-algorithm'
  | 'signature-invalid'
  | 'digest-mismatch'

const FIXED_MESSAGES: Record<ProtocolErrorCode, string> = {
  'invalid-encoding': 'value is not in the required encoding',
  'invalid-length': 'value has the wrong length',
  'invalid-share': 'SPAKE2 share is not a valid P-256 point',
  'invalid-pin': 'PIN is not six digits or is trivial',
  'invalid-key': 'key is not valid',
  'confirmation-failed': 'key confirmation failed',
  'handshake-failed': 'Noise handshake failed',
  'frame-auth-failed': 'frame failed authentication',
  'frame-too-large': 'message exceeds the maximum Noise message size',
  'frame-too-short': 'message is shorter than its fixed parts',
  'nonce-exhausted': 'cipher nonce space exhausted',
  'invalid-state': 'operation not allowed in this state',
  'signature-missing': 'request carries no Pairwire signature',
  'malformed-signature': 'signature fields are malformed',
  'missing-component': 'a required covered component is missing',
  'unsupported-algorithm': 'signature algorithm is not supported',
  'signature-invalid': 'signature verification failed',
  'digest-mismatch': 'content digest does not match the body',
}

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode
  /** Non-secret detail for logs and tests (which field, which rule); never key material. */
  readonly detail: string | undefined

  constructor(code: ProtocolErrorCode, detail?: string) {
    super(FIXED_MESSAGES[code])
    this.name = 'ProtocolError'
    this.code = code
    this.detail = detail
  }
}

export function isProtocolError(e: unknown, code?: ProtocolErrorCode): e is ProtocolError {
  return e instanceof ProtocolError && (code === undefined || e.code === code)
}
