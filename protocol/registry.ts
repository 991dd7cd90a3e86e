/**
 * The registry of Pairwire 1 (spec §11): every problem type, WebSocket close code, JSON-RPC error
 * code, limit default and label string, each with its name and meaning. This is the only place in
 * the tree where these literals appear; everything else imports them. spec/11-registry.md is
 * generated from this module (`npm run spec:registry`) and a test checks the two agree.
 */

/** Protocol name and version carried as `v` in every message (spec §2.3). */
import type { ProtocolErrorCode } from './errors.ts'

export const PROTOCOL_VERSION = 1
export const SUPPORTED_VERSIONS: readonly number[] = [PROTOCOL_VERSION]

/** Label strings, written out in the spec where each is used. ASCII, no terminator. */
export const LABELS = {
  /** RFC 9380 hash_to_field DST for the SPAKE2 password scalar w (spec §5.5). */
  spake2PasswordDst: 'pairwire/1 spake2 w',
  /** RFC 9382 §4 AAD for the confirmation keys (spec §5.5). */
  spake2Aad: 'pairwire/1 pairing',
  /** HKDF info deriving the pairing key from Ke (spec §5.6). */
  pairingKeyInfo: 'pairwire/1 pairing key',
  /** HKDF info deriving the hmac-sha256 request-signing secret from the pairing key (spec §8.3). */
  requestHmacKeyInfo: 'pairwire/1 request hmac key',
  /** The first prologue field of every Noise session (spec §7.3). */
  noisePrologue: 'pairwire/1 session',
  /** Noise protocol name (Noise rev 34 §8). */
  noiseProtocolName: 'Noise_NNpsk0_25519_AESGCM_SHA256',
  /** Prefixes of the two kinds of ids (spec §3.2). */
  deviceIdPrefix: 'pwd_',
  clientIdPrefix: 'pwc_',
  /** RFC 9421 signature label used in Signature-Input and Signature (spec §8.2). */
  signatureLabel: 'pw',
  /** RFC 9457 problem type URI prefix (spec §11.1). */
  problemTypePrefix: 'urn:pairwire:error:',
  problemContentType: 'application/problem+json',
  /** The first field of the relay claim message a device signs (spec §15.3). */
  relayClaim: 'pairwire/1 relay claim',
} as const

/** HTTP paths (spec §4 - §9, §12). */
export const PATHS = {
  discovery: '/.well-known/pairwire',
  pairStart: '/pairwire/v1/pair/start',
  pairFinish: '/pairwire/v1/pair/finish',
  tickets: '/pairwire/v1/tickets',
  websocket: '/pairwire/v1/ws',
  rpc: '/pairwire/v1/rpc',
  clientsSelf: '/pairwire/v1/clients/self',
  testPin: '/pairwire/v1/test/pin',
  testRevoke: '/pairwire/v1/test/revoke',
  /** The relay's two WebSocket endpoints (spec §15.1). */
  relayDevice: '/pairwire-relay/v1/device',
  relayClient: '/pairwire-relay/v1/client',
} as const

export interface ProblemEntry {
  readonly name: string
  readonly status: number
  readonly title: string
  readonly meaning: string
}

function problem(name: string, status: number, title: string, meaning: string): ProblemEntry {
  return { name, status, title, meaning }
}

/** RFC 9457 problem types (spec §11.1). `type` on the wire = LABELS.problemTypePrefix + name. */
export const PROBLEMS = {
  malformedRequest: problem('malformed-request', 400, 'Malformed request',
    'The body is not JSON, fails its schema, has unknown fields or wrongly encoded values.'),
  unsupportedVersion: problem('unsupported-version', 400, 'Unsupported version',
    'The message carries a `v` the device does not support.'),
  invalidShare: problem('invalid-share', 400, 'Invalid SPAKE2 share',
    'The 65 bytes of pA are not an uncompressed SEC1 P-256 point on the curve, or are the identity (another length is malformed-request).'),
  unknownPairing: problem('unknown-pairing', 404, 'Unknown pairing',
    'pairing_id is unknown, already used or expired (indistinguishable on purpose).'),
  pairingWindowClosed: problem('pairing-window-closed', 403, 'No pairing window',
    'No pairing window is open: none was opened, it expired, it succeeded, or its failure budget is spent.'),
  confirmationFailed: problem('confirmation-failed', 403, 'Confirmation failed',
    'cA did not verify (wrong PIN); the answer carries attempts_remaining.'),
  signatureMissing: problem('signature-missing', 401, 'Signature missing',
    'The request has no Signature-Input or Signature for the Pairwire label.'),
  malformedSignature: problem('malformed-signature', 400, 'Malformed signature fields',
    'Signature-Input or Signature is not a valid structured field of the required shape.'),
  missingComponent: problem('missing-component', 400, 'Missing covered component',
    'A component or parameter the profile requires is not covered or not present.'),
  unsupportedAlgorithm: problem('unsupported-algorithm', 400, 'Unsupported algorithm',
    'alg is not one the device advertises.'),
  unknownKey: problem('unknown-key', 401, 'Unknown key',
    'keyid names no paired client (never paired, unpaired or revoked).'),
  signatureInvalid: problem('signature-invalid', 401, 'Signature invalid',
    'The signature does not verify over the signature base.'),
  clockSkew: problem('clock-skew', 401, 'Clock skew',
    '|now - created| exceeds the advertised skew, or expires has passed; the answer may carry device_time.'),
  replayedNonce: problem('replayed-nonce', 401, 'Replayed nonce',
    'The nonce was already used by this key within the replay window.'),
  digestMismatch: problem('digest-mismatch', 400, 'Content digest mismatch',
    'Content-Digest is absent for a body, malformed, or does not match the body.'),
  ticketMissing: problem('ticket-missing', 401, 'Ticket missing',
    'The WebSocket request carries no ticket.'),
  ticketInvalid: problem('ticket-invalid', 401, 'Ticket invalid',
    'The ticket is unknown, expired, already used, or its client was revoked.'),
  bodyTooLarge: problem('body-too-large', 413, 'Body too large',
    'Content-Length or the bytes received exceed max_body.'),
  unsupportedMediaType: problem('unsupported-media-type', 415, 'Unsupported media type',
    'A body was sent with a Content-Type other than application/json.'),
  rateLimited: problem('rate-limited', 429, 'Rate limited',
    'A per-IP, per-client or pairing rate limit is exceeded; Retry-After says when to retry.'),
  overloaded: problem('overloaded', 503, 'Overloaded',
    'The global in-flight byte budget is spent; retry later.'),
  storeUnavailable: problem('store-unavailable', 503, 'Store unavailable',
    'The replay or registry store cannot be reached; the device fails closed.'),
  notFound: problem('not-found', 404, 'Not found', 'No such endpoint.'),
  methodNotAllowed: problem('method-not-allowed', 405, 'Method not allowed',
    'The endpoint exists but not for this method.'),
  internalError: problem('internal-error', 500, 'Internal error',
    'A bug in the device. A conforming device never sends it for any input.'),
  upgradeRequired: problem('upgrade-required', 426, 'Upgrade required',
    'Relay: a request to a relay endpoint that is not a WebSocket upgrade (spec §15.2).'),
  relayIpLimit: problem('relay-ip-limit', 429, 'Too many relay connections',
    'Relay: the source address already has max_connections_per_ip open relay connections; Retry-After says when to retry.'),
  relayStreamLimit: problem('relay-stream-limit', 503, 'Too many streams for that device_id',
    'Relay: the device_id already has max_streams_per_device client streams, whether or not a device holds it.'),
  relaySlotLimit: problem('relay-slot-limit', 503, 'No free slot',
    'Relay: the relay holds max_slots slots and none of them is this device_id.'),
} as const satisfies Record<string, ProblemEntry>

export type ProblemName = keyof typeof PROBLEMS

/**
 * The problem for each failure the protocol core reports while parsing or verifying a signed
 * request (spec §8.4, §8.7), keyed by its ProtocolError code.
 */
export const SIGNATURE_FAILURE_PROBLEMS: Readonly<Partial<Record<ProtocolErrorCode, ProblemEntry>>> = {
  'signature-missing': PROBLEMS.signatureMissing,
  'malformed-signature': PROBLEMS.malformedSignature,
  'missing-component': PROBLEMS.missingComponent,
  'unsupported-algorithm': PROBLEMS.unsupportedAlgorithm,
  'digest-mismatch': PROBLEMS.digestMismatch,
  'signature-invalid': PROBLEMS.signatureInvalid,
}

export function problemType(entry: ProblemEntry): string {
  return LABELS.problemTypePrefix + entry.name
}

export interface CloseEntry {
  readonly name: string
  readonly code: number
  /** The close reason sent on the wire (RFC 6455 §7.1.6), at most 123 bytes. */
  readonly reason: string
  readonly meaning: string
}

function close(name: string, code: number, meaning: string): CloseEntry {
  return { name, code, reason: name, meaning }
}

/** WebSocket close codes (spec §11.2). 1000 and 1001 are RFC 6455 §7.4.1; the rest are ours. */
export const CLOSES = {
  normal: close('normal', 1000, 'Either side ended the session.'),
  goingAway: close('going-away', 1001, 'The device is shutting down.'),
  malformedFrame: close('malformed-frame', 4400,
    'A text frame, an empty frame, or a frame that cannot be a Noise message where one is expected.'),
  handshakeFailed: close('handshake-failed', 4401,
    'Noise message 1 or 2 failed (wrong pairing key, garbage, truncated) or its payload is invalid.'),
  clientRevoked: close('client-revoked', 4403, 'The client was unpaired or revoked.'),
  deviceNotConnected: close('device-not-connected', 4404, 'Relay: no device connected for that device_id.'),
  handshakeTimeout: close('handshake-timeout', 4408, 'Noise message 1 did not arrive in time.'),
  deviceReplaced: close('device-replaced', 4409, 'Relay: a newer device connection replaced this one.'),
  frameTooLarge: close('frame-too-large', 4413, 'A frame exceeds max_frame.'),
  frameAuthFailed: close('frame-auth-failed', 4422,
    'A transport frame failed authentication: altered, replayed, reordered, dropped before it, or truncated.'),
  unsupportedVersion: close('unsupported-version', 4426, 'The handshake payload names an unsupported v.'),
  idleTimeout: close('idle-timeout', 4410, 'No pong or frame within the keepalive interval.'),
  internalError: close('internal-error', 4500, 'A bug in the device. Never sent by a conforming device.'),
  claimRefused: close('claim-refused', 4406,
    'Relay: the slot claim is malformed, its device_key is not the device_id asked for, or its signature does not verify.'),
  deviceGone: close('device-gone', 4407,
    'Relay: the device link carrying this stream ended and no device claimed the slot within the grace window.'),
  claimTimeout: close('claim-timeout', 4411, 'Relay: no slot claim arrived within claim_timeout.'),
  streamOverflow: close('stream-overflow', 4414,
    'Relay: the bytes queued for this stream while no device link carries it exceed max_stream_buffer.'),
} as const satisfies Record<string, CloseEntry>

/** JSON-RPC 2.0 error codes (JSON-RPC 2.0 §5.1) and Pairwire's own (spec §7.6). */
export const RPC_ERRORS = {
  parseError: { code: -32700, message: 'Parse error' },
  invalidRequest: { code: -32600, message: 'Invalid Request' },
  methodNotFound: { code: -32601, message: 'Method not found' },
  invalidParams: { code: -32602, message: 'Invalid params' },
  internalError: { code: -32603, message: 'Internal error' },
} as const

/** Mandatory and reference JSON-RPC methods (spec §7.6). */
export const METHODS = {
  echo: 'pairwire.echo',
  deviceInfo: 'device.info',
} as const

/** Limit defaults, all advertised in discovery (spec §4, §10). Times in seconds, sizes in bytes. */
export const LIMIT_DEFAULTS = {
  pin_ttl: 120,
  max_pin_ttl: 300,
  max_pin_failures: 3,
  pairing_ttl: 60,
  ticket_ttl: 30,
  skew: 30,
  max_body: 1_048_576,
  max_frame: 65_535,
  handshake_timeout: 10,
  ping_interval: 30,
  max_concurrent_pairings: 8,
  rate_ip_per_minute: 600,
  rate_client_per_minute: 1200,
  max_inflight_bytes: 16_777_216,
  max_connections_per_ip: 256,
} as const

export type Limits = { -readonly [K in keyof typeof LIMIT_DEFAULTS]: number }

/**
 * Relay limit defaults (spec §15.7): configuration of a relay, told to devices in relay-held.
 * Times in seconds, sizes in bytes.
 */
export const RELAY_LIMIT_DEFAULTS = {
  grace: 30,
  claim_timeout: 10,
  idle_timeout: 300,
  ping_interval: 30,
  max_frame: 65_536,
  max_stream_buffer: 1_048_576,
  max_streams_per_device: 64,
  max_slots: 10_000,
  max_connections_per_ip: 256,
} as const

export type RelayLimits = { -readonly [K in keyof typeof RELAY_LIMIT_DEFAULTS]: number }

/** Stream frame types on a relay's device link (spec §15.4). */
export const RELAY_FRAME_TYPES = { open: 0x01, data: 0x02, end: 0x03 } as const

/** Fixed sizes of the byte layouts (spec §3, §5, §6, §7). */
export const SIZES = {
  ed25519PublicKey: 32,
  ed25519Signature: 64,
  idFingerprint: 16,
  p256UncompressedPoint: 65,
  confirmationMac: 32,
  pairingKey: 32,
  ticket: 32,
  noiseMaxMessage: 65_535,
  aeadTag: 16,
  x25519Key: 32,
  pin: 6,
  signatureNonce: 16,
  hmacSha256Signature: 32,
  /** The most a client reads of a discovery answer (spec §4.4). */
  maxDiscoveryDocument: 65_536,
  /** Relay (spec §15.3, §15.4). */
  relayChallenge: 32,
  relayFrameHeader: 5,
  relaySourceTag: 8,
  /** The most bytes a relayed party puts in one frame; a relay's max_frame is at least this. */
  relayChunk: 16_384,
  /** The most JSON-RPC objects in one packed plaintext (spec §7.10). */
  jsonSeqMaxElements: 64,
} as const
