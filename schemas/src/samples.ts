/**
 * One valid instance of every message, built from real values (Ed25519 keys, P-256 points, ids
 * derived from the keys), with the members that hold base64url and their byte lengths. The schema
 * tests mutate these; server, client and harness tests may start from them too.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { base64urlEncode } from '../../protocol/encoding.ts'
import { clientIdOf, deviceIdOf } from '../../protocol/ids.ts'
import { LIMIT_DEFAULTS, PROBLEMS, RELAY_LIMIT_DEFAULTS, SIZES, problemType } from '../../protocol/registry.ts'
import { P } from '../../protocol/spake2/constants.ts'
import type { Message, MessageName } from './messages.ts'

export const sampleBytes = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed) & 0xff)
const b64 = (n: number, seed: number): string => base64urlEncode(sampleBytes(n, seed))

const deviceKey = ed25519.getPublicKey(sampleBytes(32, 1))
const clientKey = ed25519.getPublicKey(sampleBytes(32, 2))
const deviceKeyB64 = base64urlEncode(deviceKey)
const clientKeyB64 = base64urlEncode(clientKey)
const NOW = 1_767_225_600

export interface Sample<N extends MessageName> {
  readonly valid: Message<N>
  /** Top-level members holding base64url, with their byte lengths. */
  readonly binary: Readonly<Record<string, number>>
}

export const SAMPLES: { readonly [N in MessageName]: Sample<N> } = {
  discovery: {
    valid: {
      v: 1,
      versions: [1],
      device_id: deviceIdOf(deviceKey),
      device_key: deviceKeyB64,
      name: 'Living-room lamp',
      profiles: ['pairing', 'session', 'signed-http'],
      algorithms: ['ed25519', 'hmac-sha256'],
      limits: { ...LIMIT_DEFAULTS },
    },
    binary: { device_key: SIZES.ed25519PublicKey },
  },
  'pair-start-request': {
    valid: {
      v: 1,
      client_key: clientKeyB64,
      client_name: 'Ada’s phone',
      pA: base64urlEncode(P.multiply(3n).toBytes(false)),
    },
    binary: { client_key: SIZES.ed25519PublicKey, pA: SIZES.p256UncompressedPoint },
  },
  'pair-start-response': {
    valid: {
      v: 1,
      pairing_id: b64(16, 3),
      pB: base64urlEncode(P.multiply(5n).toBytes(false)),
      device_key: deviceKeyB64,
      expires_at: NOW + LIMIT_DEFAULTS.pairing_ttl,
    },
    binary: { pairing_id: 16, pB: SIZES.p256UncompressedPoint, device_key: SIZES.ed25519PublicKey },
  },
  'pair-finish-request': {
    valid: { v: 1, pairing_id: b64(16, 3), cA: b64(SIZES.confirmationMac, 4) },
    binary: { pairing_id: 16, cA: SIZES.confirmationMac },
  },
  'pair-finish-response': {
    valid: {
      v: 1,
      client_id: clientIdOf(clientKey),
      device_id: deviceIdOf(deviceKey),
      cB: b64(SIZES.confirmationMac, 5),
    },
    binary: { cB: SIZES.confirmationMac },
  },
  'ticket-request': { valid: { v: 1 }, binary: {} },
  'ticket-response': {
    valid: { v: 1, ticket: b64(SIZES.ticket, 6), expires_at: NOW + LIMIT_DEFAULTS.ticket_ttl },
    binary: { ticket: SIZES.ticket },
  },
  problem: {
    valid: {
      type: problemType(PROBLEMS.confirmationFailed),
      title: PROBLEMS.confirmationFailed.title,
      status: PROBLEMS.confirmationFailed.status,
      attempts_remaining: 2,
    },
    binary: {},
  },
  'handshake-client-payload': { valid: { v: 1, max_frame: 65_535 }, binary: {} },
  'handshake-device-payload': {
    valid: { v: 1, session_id: b64(16, 7), max_frame: 65_535, ping_interval: 30 },
    binary: { session_id: 16 },
  },
  'jsonrpc-request': {
    valid: { jsonrpc: '2.0', id: 1, method: 'pairwire.echo', params: { hello: 'world' } },
    binary: {},
  },
  'jsonrpc-response': { valid: { jsonrpc: '2.0', id: 1, result: { hello: 'world' } }, binary: {} },
  'jsonrpc-notification': {
    valid: { jsonrpc: '2.0', method: 'device.changed', params: [1, 2] },
    binary: {},
  },
  'test-pin-request': { valid: { v: 1, ttl: 120 }, binary: {} },
  'test-revoke-request': { valid: { v: 1, client_id: 'pwc_JPbtasv-EAnAMNfKVnwzyg' }, binary: {} },
  'test-pin-response': {
    valid: { v: 1, pin: '480916', expires_at: NOW + LIMIT_DEFAULTS.pin_ttl },
    binary: {},
  },
  'relay-challenge': {
    valid: { v: 1, type: 'challenge', challenge: b64(SIZES.relayChallenge, 9) },
    binary: { challenge: SIZES.relayChallenge },
  },
  'relay-claim': {
    valid: { v: 1, type: 'claim', device_key: deviceKeyB64, signature: b64(SIZES.ed25519Signature, 10) },
    binary: { device_key: SIZES.ed25519PublicKey, signature: SIZES.ed25519Signature },
  },
  'relay-held': {
    valid: {
      v: 1,
      type: 'held',
      grace: RELAY_LIMIT_DEFAULTS.grace,
      max_frame: RELAY_LIMIT_DEFAULTS.max_frame,
      max_streams_per_device: RELAY_LIMIT_DEFAULTS.max_streams_per_device,
    },
    binary: {},
  },
}
