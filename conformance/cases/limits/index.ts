/**
 * The cases of spec §10 (limits and abuse). The in-flight and per-client cases hold or spend
 * budgets (PHASES.budgets); the per-IP cases empty the harness's per-IP bucket, so they run last
 * (PHASES.perIpRate), 10.3-per-ip before 10.3-retry-after.
 */
import type { CaseDefinition } from '../../model.ts'
import { order } from './10.1-order.ts'
import { chunked } from './10.2-chunked.ts'
import { contentLength } from './10.2-content-length.ts'
import { noContinue } from './10.2-no-continue.ts'
import { perClient } from './10.3-per-client.ts'
import { perIp } from './10.3-per-ip.ts'
import { retryAfter } from './10.3-retry-after.ts'
import { inflight } from './10.4-inflight.ts'
import { connectionsPerIp } from './10.6-connections-per-ip.ts'

export const cases: CaseDefinition[] = [
  order,
  contentLength,
  noContinue,
  chunked,
  inflight,
  connectionsPerIp,
  perClient,
  perIp,
  retryAfter,
]
