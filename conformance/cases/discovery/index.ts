/** The cases of spec §4 (discovery): the endpoint, profiles, algorithms and limits. */
import type { CaseDefinition } from '../../model.ts'
import { endpoint } from './4.1-endpoint.ts'
import { algorithms } from './4.2-algorithms.ts'
import { profiles } from './4.2-profiles.ts'
import { advertisedEnforced } from './4.3-advertised-enforced.ts'
import { allLimits } from './4.3-all-limits.ts'

export const cases: CaseDefinition[] = [
  endpoint,
  profiles,
  algorithms,
  allLimits,
  advertisedEnforced,
]
