/** Every case of `pairwire-conformance relay` (spec §15), in spec order. */
import type { RelayCase } from '../context.ts'
import { cases as endpoints } from './15.1-endpoints.ts'
import { cases as gate } from './15.2-gate.ts'
import { cases as slots } from './15.3-slots.ts'
import { cases as streams } from './15.4-streams.ts'
import { cases as grace } from './15.6-grace.ts'
import { cases as limits, gateCases as ipGate } from './15.7-limits.ts'
import { cases as oracle } from './15.8-oracle.ts'
import { cases as secrets } from './15.9-secrets.ts'
import { cases as deployment } from './15.10-deployment.ts'

export const relayCases: readonly RelayCase[] = [
  ...endpoints,
  ...gate,
  ...ipGate,
  ...slots,
  ...streams,
  ...grace,
  ...limits,
  ...oracle,
  ...secrets,
  ...deployment,
]
