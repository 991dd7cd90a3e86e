/**
 * Fault switches (DESIGN §5 "Its power is measured"): each disables exactly one rule of the spec
 * so the conformance harness can be shown to detect it. Only accepted together with --test-hooks.
 * This module is the only place that names them; protocol code asks `ctx.faults.has(name)`.
 */
export const FAULTS = {
  'accept-reused-nonce': 'Signed HTTP: a nonce seen within the window is accepted again (spec §8).',
  'skip-skew-check': 'Signed HTTP: created is not compared with the clock (spec §8).',
  'accept-reused-ticket': 'A ticket can open more than one WebSocket (spec §6).',
  'no-pin-failure-budget': 'Wrong PINs never close the pairing window (spec §5).',
  'pin-never-expires': 'The pairing window ignores its TTL at start and finish (spec §5).',
  'skip-ttl-check-at-finish': 'pair/finish does not re-check the window TTL (spec §5).',
  'reveal-cb-before-ca': 'pair/finish answers cB even when cA does not verify (spec §5).',
  'invalid-share-500': 'An invalid SPAKE2 share is answered with 500 instead of 400 (spec §5).',
  'deliver-unauthenticated-frame': 'A transport frame that fails authentication is delivered (spec §7).',
  'notify-before-handshake': 'The device sends a notification before Noise message 2 (spec §7).',
  'ignore-revocation': 'Revocation neither closes live sessions nor rejects the client (spec §9).',
  'accept-oversized-body': 'Bodies larger than max_body are read and processed (spec §10).',
  'no-rate-limit': 'Per-IP and per-client rate limits are off (spec §10).',
  'claim-nonce-before-verify': 'The nonce is claimed before the signature is verified (spec §8).',
  'explain-handshake-failure-in-clear':
    'A failed message 1 gets a JSON text frame saying why before its close (spec §7.5).',
  'upgrades-skip-ip-bucket': 'WebSocket upgrade requests take no token from the per-IP bucket (spec §10.3).',
  'client-bucket-by-address': 'The per-client rate bucket is keyed by source address, not client_id (spec §10.3).',
  'compare-sent-signature-length':
    'An hmac-sha256 signature is compared only over the bytes the client sent (spec §8.7).',
  'operator-revocation-keeps-sessions':
    "An operator's revocation leaves the client's live sessions open (spec §9.3).",
  'identity-k-fast-path': 'pair/start answers faster when pA = w·M makes K the identity (spec §5.7).',
  'nonce-ttl-2-skew': 'Signed HTTP: nonces are kept 2 × skew, one second short of the window (spec §8.8).',
  'continue-before-413': 'Expect: 100-continue is answered 100 Continue before the 413 (spec §10.2).',
  'accept-small-order-key': 'pair/start accepts a small-order Ed25519 client_key such as 0^32 (spec §5.7).',
  'echo-client-close': 'A client\'s Close frame is answered with its own code and reason bytes (spec §7.9).',
  'no-connection-cap': 'Connections from one source address are not capped at max_connections_per_ip (spec §10.6).',
  'json-seq-to-non-offering': 'Answers are packed even for a client that did not offer json_seq (spec §7.10).',
  'json-seq-unoffered-answer': 'Message 2 has json_seq although message 1 did not offer it (spec §7.10).',
  'json-seq-first-element-only': 'Only the first element of a packed plaintext is processed (spec §7.10).',
  'json-seq-no-element-cap': 'A packed plaintext of more than 64 elements is processed (spec §7.10).',
  'json-seq-no-pack-cap': 'The answers of one turn are packed into one plaintext however many there are (spec §7.10).',
  'signed-upgrade-no-nonce-claim': 'A signed upgrade does not claim its nonce, so it can be replayed (spec §7.2).',
  'signed-upgrade-skip-verify': "A signed upgrade opens a session for its keyid's client unverified (spec §7.2).",
} as const

export type FaultName = keyof typeof FAULTS

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name)
}
