/**
 * Fault switches of the reference client (DESIGN §5 "Its power is measured"), as
 * reference-server/faults.ts has for the device: each breaks exactly one client rule of the spec
 * so that the harness's client mode can be shown to catch it (`npm run conformance:faults`).
 * They are read once from the environment variable PAIRWIRE_CLIENT_FAULTS (comma-separated
 * names); never set in normal use. This module is the only place that names them.
 */
export const CLIENT_FAULTS = {
  'skip-cb-check': 'A cB that does not verify is accepted and the pairing stored (spec §5.9).',
  'skip-id-check': 'The ids of the pair/finish answer are not checked (spec §5.9).',
  'write-credentials-before-check': 'The credentials file is written before cB is checked, and left behind (spec §5.9).',
  'ignore-device-key-change': 'A discovery document with another device_key than the stored one is ignored (spec §4.4).',
  'accept-counter-skip': 'A transport frame sealed with counter n + 1 is accepted (spec §7.5).',
  'ignore-bad-frame': 'A transport frame that fails authentication is dropped, the session goes on (spec §7.5).',
  'accept-text-frame': 'A text frame after message 2 is ignored instead of closing malformed-frame (spec §7.5).',
  'skip-message-2-payload-check': 'The message 2 payload is not validated (spec §7.4).',
  'close-normal-on-failure': 'A frame failure is closed with 1000 instead of its code (spec §7.5, §7.9).',
  'reuse-nonce': 'Every signed request carries the same nonce (spec §8.2).',
  'stale-created': 'created is two minutes behind the clock (spec §8.2).',
  'take-unmatched-response': 'The first response is taken whatever its id (spec §7.6).',
  'ignore-ticket-expiry': 'A ticket already expired is presented (spec §6.6).',
  'no-discovery-size-limit': 'A discovery answer of any size is read (spec §4.4).',
  'skip-cross-limit-check': 'A discovery document with pin_ttl over max_pin_ttl or max_inflight_bytes under max_body is accepted (spec §4.4).',
  'give-up-with-handshake-timeout': 'A client that stops waiting for message 2 closes handshake-timeout (the device\'s code) instead of normal (spec §7.4).',
  'ignore-advertised-handshake-timeout': 'The client waits the default handshake_timeout for message 2, not the one discovery advertised (spec §7.4).',
  'close-1007-on-text': 'A text frame that is not UTF-8 is failed with 1007 by the WebSocket layer instead of closed malformed-frame (spec §7.5).',
  'accept-close-reason-not-utf8': 'A Close whose reason is not UTF-8 is honoured as a close instead of failed with 1007 (spec §7.9).',
  'framing-failure-as-lost-connection': 'A WebSocket framing failure of the device is reported as a lost connection (exit 3), not exit 2 (spec §7.9, §12.3).',
  'reuse-ephemeral': 'The session ephemeral key is derived from the pairing key, the same every session (spec §13.3).',
  'json-seq-first-element-only': 'Only the first element of a packed plaintext from the device is taken (spec §7.10).',
} as const

export type ClientFaultName = keyof typeof CLIENT_FAULTS

export const CLIENT_FAULTS_VARIABLE = 'PAIRWIRE_CLIENT_FAULTS'

let active: ReadonlySet<string> | undefined

function fromEnvironment(): ReadonlySet<string> {
  const env = typeof process === 'undefined' ? undefined : process.env?.[CLIENT_FAULTS_VARIABLE]
  const names = (env ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '')
  const unknown = names.filter((n) => !Object.hasOwn(CLIENT_FAULTS, n))
  // A misspelt switch must not silently run the correct client in a fault self-test.
  if (unknown.length > 0) throw new Error(`${CLIENT_FAULTS_VARIABLE}: unknown fault ${unknown.join(', ')}`)
  return new Set(names)
}

/** True when the fault switch `name` is on. */
export function clientFault(name: ClientFaultName): boolean {
  active ??= fromEnvironment()
  return active.has(name)
}
