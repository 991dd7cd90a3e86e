/**
 * Fault switches of the reference relay (DESIGN §5 "Its power is measured"): each disables exactly
 * one rule of spec §15 so `pairwire-conformance relay` can be shown to detect it
 * (conformance/run-faults.ts). Accepted only on a loopback host.
 */
export const RELAY_FAULTS = {
  'relay-upgrade-malformed-id': 'A malformed device_id is upgraded instead of refused 400 before the upgrade (spec §15.2).',
  'relay-skip-claim-signature': 'A claim is held without verifying its signature (spec §15.3).',
  'relay-keep-older-link': 'A newer valid claim is closed device-replaced and the older link keeps the slot (spec §15.3).',
  'relay-unknown-id-at-once': 'A client stream for a device_id never held is closed device-not-connected at once instead of after grace: an enumeration oracle (spec §15.8).',
  'relay-grace-expiry-normal': 'Streams whose link was lost are closed 1000 at grace expiry instead of device-gone (spec §15.6).',
  'relay-reorder-frames': 'Two client frames that arrive back to back are forwarded to the device in swapped order (spec §15.4).',
  'relay-no-ip-cap': 'Relay connections per source address are not capped (spec §15.2).',
  'relay-no-stream-cap': 'Client streams per device_id are not capped (spec §15.2).',
  'relay-echo-query': 'A refusal\'s problem detail repeats the request\'s query string (spec §15.9).',
  'relay-drop-queued': 'Frames a client sends before the device claims the slot are dropped (spec §15.6).',
} as const

export type RelayFaultName = keyof typeof RELAY_FAULTS

export function isRelayFaultName(name: string): name is RelayFaultName {
  return Object.hasOwn(RELAY_FAULTS, name)
}
