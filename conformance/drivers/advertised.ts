/**
 * The limits a device advertises in discovery (spec §4.3), which the harness tests as advertised,
 * and the one way cases wait for a TTL to pass.
 */
import { LIMIT_DEFAULTS, type Limits } from '../../protocol/registry.ts'
import type { Target } from '../model.ts'

/** The advertised value of `name`; discovery is schema-checked, so it is always present. */
export function limitOf(target: Target, name: keyof Limits): number {
  return target.discovery.limits[name] ?? LIMIT_DEFAULTS[name]
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Waits `seconds` whole seconds plus one, so a TTL counted in whole seconds (§2.7) has passed. */
export function outlast(seconds: number): Promise<void> {
  return sleep((seconds + 1) * 1000)
}
