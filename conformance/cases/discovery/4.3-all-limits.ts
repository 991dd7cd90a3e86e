/**
 * Spec §4.3 {#pw-disc-4.3-all-limits}: `limits` has every limit of the table and no other member,
 * each an integer in its allowed range, including the two ranges that depend on another limit
 * (pin_ttl ≤ max_pin_ttl, max_inflight_bytes ≥ max_body), which JSON Schema cannot state.
 */
import { LIMIT_DEFAULTS } from '../../../protocol/registry.ts'
import { LIMIT_RANGES, type LimitName } from '../../../schemas/src/limits.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { getDiscovery } from './discovery-request.ts'

/** Every way `limits` breaks §4.3, one line each. */
export function limitProblems(limits: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = []
  const names = Object.keys(LIMIT_DEFAULTS) as LimitName[]
  for (const name of names) {
    const value = limits[name]
    const [min, max = Number.MAX_SAFE_INTEGER] = LIMIT_RANGES[name]
    if (!Number.isSafeInteger(value)) {
      problems.push(`${name} is ${JSON.stringify(value)}, not an integer`)
    } else if ((value as number) < min || (value as number) > max) {
      problems.push(`${name} = ${value} is outside ${min}..${max}`)
    }
  }
  for (const name of Object.keys(limits)) {
    if (!(names as string[]).includes(name)) problems.push(`${name} is not a limit of §4.3`)
  }
  const limit = (name: LimitName): number => Number(limits[name])
  if (limit('pin_ttl') > limit('max_pin_ttl')) problems.push('pin_ttl exceeds max_pin_ttl')
  if (limit('max_inflight_bytes') < limit('max_body')) {
    problems.push('max_inflight_bytes is below max_body')
  }
  return problems
}

export const allLimits: CaseDefinition = {
  id: '4.3-all-limits',
  level: 'MUST',
  requirement: 'pw-disc-4.3-all-limits',
  title: 'limits holds every limit of §4.3, each an integer in its allowed range',
  async run(ctx) {
    const { limits } = await getDiscovery(ctx)
    const problems = limitProblems(limits)
    if (problems.length === 0) return PASS
    return fail(problems.join('; '), 'every limit of §4.3 in range', limits)
  },
}
