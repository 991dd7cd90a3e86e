/**
 * The `limits` object of discovery (spec §4.3): every key of the registry's LIMIT_DEFAULTS, each
 * an integer in the range the spec allows a device to advertise. Two ranges depend on another
 * limit (pin_ttl ≤ max_pin_ttl, max_inflight_bytes ≥ max_body); JSON Schema cannot compare
 * members, so here they get their fixed outer bound and the harness checks the relation.
 */
import Type from 'typebox'
import { LIMIT_DEFAULTS, SIZES } from '../../protocol/registry.ts'
import { Int } from './primitives.ts'

export type LimitName = keyof typeof LIMIT_DEFAULTS

/** The protocol cap on any PIN lifetime (spec §5.3): the default max_pin_ttl is the cap. */
const PIN_TTL_CAP = LIMIT_DEFAULTS.max_pin_ttl

/** [minimum, maximum] of spec §4.3; a missing maximum is the 2^53 − 1 of spec §2.4. */
export const LIMIT_RANGES: { readonly [K in LimitName]: readonly [number, number?] } = {
  pin_ttl: [1, PIN_TTL_CAP],
  max_pin_ttl: [1, PIN_TTL_CAP],
  max_pin_failures: [1, 10],
  pairing_ttl: [1, 300],
  ticket_ttl: [1, 60],
  skew: [1, 300],
  max_body: [1024],
  // A Noise message is at most 65535 bytes (Noise rev 34 §3): no larger frame is useful.
  max_frame: [1024, SIZES.noiseMaxMessage],
  handshake_timeout: [1, 60],
  ping_interval: [1, 300],
  max_concurrent_pairings: [1],
  rate_ip_per_minute: [1],
  rate_client_per_minute: [1],
  max_inflight_bytes: [1024],
  max_connections_per_ip: [1],
}

/** max_frame of discovery and of both handshake payloads (spec §4.3, §7.4). */
export const MaxFrame = Int(...LIMIT_RANGES.max_frame)
/** The device's ping_interval, advertised and repeated in message 2 (spec §4.3, §7.4). */
export const PingInterval = Int(...LIMIT_RANGES.ping_interval)

const limitNames = Object.keys(LIMIT_DEFAULTS) as LimitName[]

export const Limits = Type.Object(
  Object.fromEntries(limitNames.map((name) => [name, Int(...LIMIT_RANGES[name])])) as {
    [K in LimitName]: ReturnType<typeof Int>
  },
  {
    additionalProperties: false,
    description: 'every limit of spec §4.3; times in seconds, sizes in bytes',
  },
)
