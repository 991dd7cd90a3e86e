/**
 * The discovery document, GET /.well-known/pairwire (spec §4.2): the device's id and key, the
 * versions, profiles and signature algorithms it supports, and its limits (spec §4.3).
 */
import Type from 'typebox'
import { SIGNATURE_ALGORITHMS } from '../../protocol/httpsig/algorithms.ts'
import { PROTOCOL_VERSION } from '../../protocol/registry.ts'
import { Limits } from './limits.ts'
import { DeviceId, DisplayName, Ed25519PublicKey, Int } from './primitives.ts'

/** Profiles every Pairwire 1 device serves (spec §4.2, pw-disc-4.2-profiles). */
export const MANDATORY_PROFILES = ['pairing', 'session', 'signed-http'] as const
/** Every profile name; test-control only while the test interface (spec §12) is enabled. */
export const PROFILES = [...MANDATORY_PROFILES, 'test-control'] as const

// A set of names that must include every one of `required`: one `contains` per name.
function setOf<const T extends readonly string[]>(names: T, required: readonly T[number][]) {
  return Type.Array(Type.Enum(names), {
    uniqueItems: true,
    allOf: required.map((name) => ({ contains: { const: name } })),
  })
}

export const Discovery = Type.Object(
  {
    v: Type.Literal(PROTOCOL_VERSION),
    // Non-empty, no duplicates; a v1 document from a device without version 1 is contradictory.
    versions: Type.Array(Int(1), { uniqueItems: true, contains: { const: PROTOCOL_VERSION } }),
    device_id: DeviceId,
    device_key: Ed25519PublicKey,
    name: DisplayName,
    profiles: setOf(PROFILES, MANDATORY_PROFILES),
    // pw-disc-4.2-algorithms: both RFC 9421 algorithms of the profile (spec §8.3).
    algorithms: setOf(SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS),
    limits: Limits,
  },
  { additionalProperties: false, description: 'GET /.well-known/pairwire (spec §4)' },
)
