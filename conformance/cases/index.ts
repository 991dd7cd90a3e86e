/**
 * Every conformance case, area by area in spec order (§2 - §13, then §15.5's relayed streams). Each area folder's index.ts
 * exports `cases`; conformance/registry.ts validates the list against spec/ and orders it by phase.
 */
import type { CaseDefinition } from '../model.ts'
import { cases as conventions } from './conventions/index.ts'
import { cases as discovery } from './discovery/index.ts'
import { cases as keys } from './keys/index.ts'
import { cases as limits } from './limits/index.ts'
import { cases as pairing } from './pairing/index.ts'
import { cases as registry } from './registry/index.ts'
import { cases as relayed } from './relayed/index.ts'
import { cases as security } from './security/index.ts'
import { cases as sessions } from './sessions/index.ts'
import { cases as signedHttp } from './signed-http/index.ts'
import { cases as testControl } from './test-control/index.ts'
import { cases as tickets } from './tickets/index.ts'
import { cases as vectors } from './vectors/index.ts'

export const cases: readonly CaseDefinition[] = [
  ...conventions,
  ...keys,
  ...discovery,
  ...pairing,
  ...tickets,
  ...sessions,
  ...signedHttp,
  ...registry,
  ...limits,
  ...testControl,
  ...security,
  ...vectors,
  ...relayed,
]
