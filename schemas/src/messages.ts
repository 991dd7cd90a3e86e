/**
 * Every JSON message of Pairwire 1 as a TypeBox schema, encoding the field tables of spec §4 - §8
 * and §12: discovery, the two pairing exchanges, tickets, RFC 9457 problems, the Noise handshake
 * payloads, JSON-RPC 2.0 and the test-control PIN endpoint. Every object rejects unknown members
 * and every Pairwire message carries `v` = PROTOCOL_VERSION (spec §2.3). MESSAGE_SCHEMAS names
 * them as the spec's ```json schema=<name>``` examples do and as schemas/<name>.schema.json is
 * generated.
 */
import Type, { type Static, type TProperties, type TSchema } from 'typebox'
import { LIMIT_DEFAULTS, PROTOCOL_VERSION, SIZES } from '../../protocol/registry.ts'
import { Discovery } from './discovery.ts'
import { JsonrpcNotification, JsonrpcRequest, JsonrpcResponse } from './jsonrpc.ts'
import { MaxFrame, PingInterval } from './limits.ts'
import {
  Base64url,
  ClientId,
  DeviceId,
  DisplayName,
  Ed25519PublicKey,
  GeneratedPin,
  Int,
  UnixTime,
} from './primitives.ts'
import { Problem } from './problem.ts'

// Random identifiers without an entry in registry SIZES (spec §2.5 table): 16 bytes each.
const PAIRING_ID_BYTES = 16
const SESSION_ID_BYTES = 16

const P256Share = Base64url(SIZES.p256UncompressedPoint, 'SPAKE2 share, uncompressed SEC 1 point')
const ConfirmationMac = Base64url(SIZES.confirmationMac, 'SPAKE2 key confirmation MAC')
const PairingId = Base64url(PAIRING_ID_BYTES, 'pairing_id: 16 random bytes')

/** A Pairwire message: `v` first, then `members`, and nothing else. */
function message<P extends TProperties>(members: P, description: string) {
  return Type.Object(
    { v: Type.Literal(PROTOCOL_VERSION), ...members },
    { additionalProperties: false, description },
  )
}

export const PairStartRequest = message(
  { client_key: Ed25519PublicKey, client_name: DisplayName, pA: P256Share },
  'POST /pairwire/v1/pair/start request body (spec §5.7)',
)

export const PairStartResponse = message(
  { pairing_id: PairingId, pB: P256Share, device_key: Ed25519PublicKey, expires_at: UnixTime },
  'POST /pairwire/v1/pair/start 200 body (spec §5.7)',
)

export const PairFinishRequest = message(
  { pairing_id: PairingId, cA: ConfirmationMac },
  'POST /pairwire/v1/pair/finish request body (spec §5.8)',
)

export const PairFinishResponse = message(
  { client_id: ClientId, device_id: DeviceId, cB: ConfirmationMac },
  'POST /pairwire/v1/pair/finish 200 body (spec §5.8)',
)

export const TicketRequest = message({}, 'POST /pairwire/v1/tickets request body (spec §6.1)')

export const TicketResponse = message(
  { ticket: Base64url(SIZES.ticket, 'single-use session ticket'), expires_at: UnixTime },
  'POST /pairwire/v1/tickets 200 body (spec §6.1)',
)

/** §7.4, §7.10: present (and true) when the sender accepts packed plaintexts. */
const JsonSeq = Type.Optional(
  Type.Literal(true, { description: 'the sender accepts packed plaintexts (spec §7.10)' }),
)

export const HandshakeClientPayload = message(
  { max_frame: MaxFrame, json_seq: JsonSeq },
  'payload of Noise message 1, UTF-8 JSON (spec §7.4)',
)

export const HandshakeDevicePayload = message(
  {
    session_id: Base64url(SESSION_ID_BYTES, 'session_id: 16 random bytes'),
    max_frame: MaxFrame,
    ping_interval: PingInterval,
    json_seq: JsonSeq,
  },
  'payload of Noise message 2, UTF-8 JSON (spec §7.4)',
)

export const TestPinRequest = message(
  { ttl: Type.Optional(Int(1, LIMIT_DEFAULTS.max_pin_ttl)) },
  'POST /pairwire/v1/test/pin request body (spec §12)',
)

export const TestPinResponse = message(
  { pin: GeneratedPin, expires_at: UnixTime },
  'POST /pairwire/v1/test/pin 200 body (spec §12)',
)

export const TestRevokeRequest = message(
  { client_id: ClientId },
  'POST /pairwire/v1/test/revoke request body (spec §12.4)',
)

/** Relay control messages on a device link before `held` (spec §15.3). */
export const RelayChallenge = message(
  {
    type: Type.Literal('challenge'),
    challenge: Base64url(SIZES.relayChallenge, 'relay challenge: 32 random bytes'),
  },
  'relay -> device, first text frame of a device link (spec §15.3)',
)

export const RelayClaim = message(
  {
    type: Type.Literal('claim'),
    device_key: Ed25519PublicKey,
    signature: Base64url(SIZES.ed25519Signature, 'Ed25519 signature of the claim message'),
  },
  'device -> relay, the slot claim (spec §15.3)',
)

export const RelayHeld = message(
  {
    type: Type.Literal('held'),
    grace: Int(1, 3600),
    max_frame: Int(SIZES.relayChunk, 16_777_216),
    max_streams_per_device: Int(1, 1_000_000),
  },
  'relay -> device, the slot is held (spec §15.3)',
)

export const MESSAGE_SCHEMAS = {
  discovery: Discovery,
  'pair-start-request': PairStartRequest,
  'pair-start-response': PairStartResponse,
  'pair-finish-request': PairFinishRequest,
  'pair-finish-response': PairFinishResponse,
  'ticket-request': TicketRequest,
  'ticket-response': TicketResponse,
  problem: Problem,
  'handshake-client-payload': HandshakeClientPayload,
  'handshake-device-payload': HandshakeDevicePayload,
  'jsonrpc-request': JsonrpcRequest,
  'jsonrpc-response': JsonrpcResponse,
  'jsonrpc-notification': JsonrpcNotification,
  'test-pin-request': TestPinRequest,
  'test-pin-response': TestPinResponse,
  'test-revoke-request': TestRevokeRequest,
  'relay-challenge': RelayChallenge,
  'relay-claim': RelayClaim,
  'relay-held': RelayHeld,
} as const satisfies Record<string, TSchema>

export type MessageName = keyof typeof MESSAGE_SCHEMAS
/** The TypeScript type of each message, as validated. */
export type Message<N extends MessageName> = Static<(typeof MESSAGE_SCHEMAS)[N]>
